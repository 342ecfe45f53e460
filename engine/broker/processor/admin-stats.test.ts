import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import { decodeConsumeStats, decodeResetOffsetBody, decodeTopicStatsTable } from '../../remoting/protocol/admin-body';
import { decodeJsonBody } from '../../remoting/protocol/json-body';
import { RemotingClient } from '../../remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { encodeProperties } from '../../store/message-properties';
import { formatRuntime, humanReadableByteCount } from './admin-stats';

let fx: EngineFixture;
const client = new RemotingClient();

function call(code: number, header: Record<string, unknown> | null = null, body?: Buffer): Promise<RemotingCommand> {
  return client.invoke(fx.brokerAddr, createRequest(code, header, body ? { body } : {}), 3000);
}

function send(topic: string, queueId: number, body: Buffer): Promise<RemotingCommand> {
  const header = { a: 'PG_T', b: topic, c: 'TBW102', d: 4, e: queueId, f: 0, g: Date.now(), h: 0, i: encodeProperties({ WAIT: 'true' }), j: 0, k: false, m: false };
  return call(RequestCode.SEND_MESSAGE_V2, header, body);
}

before(async () => {
  fx = await startEngine();
  const created = await call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'st', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  assert.equal(created.code, ResponseCode.SUCCESS);
  for (let i = 0; i < 3; i++) assert.equal((await send('st', 0, Buffer.from(`m${i}`))).code, ResponseCode.SUCCESS);
});

after(async () => {
  await client.close();
  await fx.close();
});

test('GET_TOPIC_STATS_INFO writes MessageQueue keys as fastjson objects and reports offsets and times', async () => {
  const r = await call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'st' });
  assert.equal(r.code, ResponseCode.SUCCESS);
  assert.ok(r.body?.toString().startsWith('{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"st"}:{"lastUpdateTimestamp":'));
  const stats = decodeTopicStatsTable(r.body as Buffer);
  assert.deepEqual(stats.offsetTable.map(([mq, o]) => [mq.queueId, o.minOffset, o.maxOffset, o.lastUpdateTimestamp > 0]), [
    [0, 0, 3, true],
    [1, 0, 0, false],
  ]);
  assert.equal((await call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'missing' })).code, ResponseCode.TOPIC_NOT_EXIST);
});

test('GET_CONSUME_STATS tells a committed 0 from no commit; connection lists answer RocketMQ codes', async () => {
  let r = await call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'g-st', topic: 'st' });
  assert.equal(r.code, ResponseCode.SUCCESS);
  let stats = decodeConsumeStats(r.body as Buffer);
  assert.deepEqual(stats.offsetTable.map(([mq, w]) => [mq.queueId, w.brokerOffset, w.consumerOffset, w.committed]), [
    [0, 3, 0, false],
    [1, 0, 0, false],
  ]);
  await call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g-st', topic: 'st', queueId: 0, commitOffset: 2 });
  r = await call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'g-st' });
  stats = decodeConsumeStats(r.body as Buffer);
  assert.deepEqual(stats.offsetTable.map(([mq, w]) => [mq.queueId, w.consumerOffset, w.committed, w.lastTimestamp > 0]), [
    [0, 2, true, true],
    [1, 0, false, false],
  ]);
  assert.equal((await call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'g-st' })).code, ResponseCode.CONSUMER_NOT_ONLINE);
  assert.equal((await call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'nobody' })).code, ResponseCode.SYSTEM_ERROR);
  const who = await call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'st' });
  assert.deepEqual({ ...(decodeJsonBody(who.body as Buffer) as object) }, { groupList: ['g-st'] });
  const running = await call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'g-st', clientId: 'x@1', jstackEnable: false });
  assert.equal(running.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(running.remark, 'The Consumer <g-st> <x@1> not online');
});

/** Keys rocketmq-exporter's BrokerRuntimeStats parses with Long/Double.parseLong (it fails on a missing one). */
const EXPORTER_NUMBER_KEYS = [
  'msgPutTotalTodayNow', 'msgGetTotalTodayNow', 'msgPutTotalTodayMorning', 'msgGetTotalTodayMorning', 'msgPutTotalYesterdayMorning',
  'msgGetTotalYesterdayMorning', 'sendThreadPoolQueueHeadWaitTimeMills', 'queryThreadPoolQueueHeadWaitTimeMills',
  'pullThreadPoolQueueHeadWaitTimeMills', 'queryThreadPoolQueueSize', 'pullThreadPoolQueueSize', 'sendThreadPoolQueueSize',
  'sendThreadPoolQueueCapacity', 'pullThreadPoolQueueCapacity', 'queryThreadPoolQueueCapacity', 'bootTimestamp', 'commitLogMinOffset',
  'commitLogMaxOffset', 'dispatchMaxBuffer', 'brokerVersion', 'consumeQueueDiskRatio', 'pageCacheLockTimeMills', 'commitLogDiskRatio',
  'getMessageEntireTimeMax', 'putMessageTimesTotal', 'startAcceptSendRequestTimeStamp', 'putMessageEntireTimeMax', 'earliestMessageTimeStamp',
  'remainTransientStoreBufferNumbs', 'putMessageAverageSize', 'dispatchBehindBytes', 'putMessageSizeTotal',
];

test('GET_BROKER_RUNTIME_INFO: every key RocketMQ tools parse, with live values in their formats', async () => {
  const r = await call(RequestCode.GET_BROKER_RUNTIME_INFO);
  const table = (decodeJsonBody(r.body as Buffer) as { table: Record<string, string> }).table;
  for (const k of EXPORTER_NUMBER_KEYS) assert.ok(table[k] !== undefined && Number.isFinite(Number(table[k])), `${k}=${table[k]}`);
  for (const k of ['putTps', 'getTransferredTps', 'getTransferedTps', 'getFoundTps', 'getMissTps', 'getTotalTps']) {
    assert.match(table[k] ?? '', /^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/, k);
  }
  assert.equal(table.msgPutTotalTodayNow, table.putMessageTimesTotal);
  assert.ok(Number(table.msgPutTotalTodayNow) >= 3);
  assert.ok(Number(table.commitLogMaxOffset) > 0);
  assert.ok(Number(table.commitLogDiskRatio) > 0 && Number(table.commitLogDiskRatio) <= 1);
  // The exporter splits these on spaces: "Total : 250.0 GiB, Free : 200.0 GiB." and "[<=0ms]:3 [0~10ms]:1 …".
  assert.match(table.commitLogDirCapacity ?? '', /^Total : \d+(\.\d)? [KMGTPE]?i?B, Free : \d+(\.\d)? [KMGTPE]?i?B\.$/);
  const buckets = (table.putMessageDistributeTime ?? '').split(' ').map((b) => b.split(':'));
  assert.equal(buckets.length, 13);
  assert.equal(buckets[0]?.[0], '[<=0ms]');
  assert.ok(buckets.reduce((n, [, v]) => n + Number(v), 0) >= 3, 'this minute\'s sends are counted');
  assert.ok(Number.isFinite(Number(table.remainHowManyDataToFlush?.split(' ')[0])));
  assert.equal(formatRuntime(90_061_000), '[ 1 days, 1 hours, 1 minutes, 1 seconds ]');
  assert.equal(humanReadableByteCount(512), '512 B');
  assert.equal(humanReadableByteCount(1536), '1.5 KiB');
  assert.equal(humanReadableByteCount(250 * 1024 ** 3), '250.0 GiB');
});

test('VIEW_BROKER_STATS_DATA: minute/hour/day snapshots per topic, group and broker; unknown items are errors', async () => {
  const r = await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: 'st' });
  assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
  const data = decodeJsonBody(r.body as Buffer) as Record<string, { sum: number; tps: number; avgpt: number }>;
  assert.deepEqual(Object.keys(data).sort(), ['statsDay', 'statsHour', 'statsMinute']);
  for (const snap of Object.values(data)) assert.deepEqual(Object.keys(snap).sort(), ['avgpt', 'sum', 'tps']);
  assert.equal((await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'BROKER_PUT_NUMS', statsKey: 'DefaultCluster' })).code, ResponseCode.SUCCESS);
  const missing = await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: 'never-sent' });
  assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(missing.remark, 'The stats <TOPIC_PUT_NUMS> <never-sent> not exist');
  assert.equal((await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'NO_SUCH_STAT', statsKey: 'st' })).code, ResponseCode.SYSTEM_ERROR);
});

test('GET_TOPIC_CONFIG / GET_SUBSCRIPTIONGROUP_CONFIG / GET_ALL_CONSUMER_OFFSET / GET_ALL_DELAY_OFFSET', async () => {
  const topic = await call(RequestCode.GET_TOPIC_CONFIG, { topic: 'st' });
  assert.equal(topic.code, ResponseCode.SUCCESS);
  assert.deepEqual(
    (({ topicName, readQueueNums, writeQueueNums, perm }) => ({ topicName, readQueueNums, writeQueueNums, perm }))(decodeJsonBody(topic.body as Buffer) as Record<string, unknown>),
    { topicName: 'st', readQueueNums: 2, writeQueueNums: 2, perm: 6 },
  );
  const noTopic = await call(RequestCode.GET_TOPIC_CONFIG, { topic: 'nope' });
  assert.equal(noTopic.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal(noTopic.remark, 'No topic in this broker. topic: nope');

  const groupConfig = { groupName: 'g-conf', consumeEnable: true, retryMaxTimes: 5 };
  assert.equal((await call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, Buffer.from(JSON.stringify(groupConfig)))).code, ResponseCode.SUCCESS);
  const group = await call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'g-conf' });
  assert.equal(group.code, ResponseCode.SUCCESS);
  assert.equal((decodeJsonBody(group.body as Buffer) as { retryMaxTimes: number }).retryMaxTimes, 5);
  assert.equal((await call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'g-none' })).code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);

  await call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g-all', topic: 'st', queueId: 1, commitOffset: 0 });
  const offsets = await call(RequestCode.GET_ALL_CONSUMER_OFFSET);
  assert.equal(offsets.code, ResponseCode.SUCCESS);
  // fastjson's shape, as in consumerOffset.json: queue ids as bare integer keys.
  assert.match(offsets.body?.toString() ?? '', /"st@g-all":\{1:0\}/);
  const delay = await call(RequestCode.GET_ALL_DELAY_OFFSET);
  assert.equal(delay.code, ResponseCode.SUCCESS);
  assert.match(delay.body?.toString() ?? '', /^\{\s*"offsetTable":\{/);
});

test('GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG: changeable keys take effect, others are refused by name', async () => {
  const got = await call(RequestCode.GET_BROKER_CONFIG);
  assert.match(got.body?.toString() ?? '', /^maxMessageSize=4194304$/m);
  assert.match(got.body?.toString() ?? '', /^messageDelayLevel=\d+[smhd]( \d+[smhd])*$/m, 'the store delay levels, as Apache answers them');
  assert.ok(got.extFields.version);
  const ok = await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('maxMessageSize=2048\ntraceOn=false\n'));
  assert.equal(ok.code, ResponseCode.SUCCESS);
  const big = await send('st', 1, Buffer.alloc(4096, 1));
  assert.equal(big.code, ResponseCode.MESSAGE_ILLEGAL);
  assert.match((await call(RequestCode.GET_BROKER_CONFIG)).body?.toString() ?? '', /^traceOn=false$/m);
  const refused = await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('brokerName=other'));
  assert.equal(refused.code, ResponseCode.INVALID_PARAMETER);
  assert.match(refused.remark ?? '', /^broker config brokerName cannot be changed at runtime/);
  assert.equal((await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('traceOn=yes'))).code, ResponseCode.INVALID_PARAMETER);
  assert.equal((await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('maxMessageSize=4194304'))).code, ResponseCode.SUCCESS);
  assert.equal((await send('st', 1, Buffer.alloc(4096, 1))).code, ResponseCode.SUCCESS);
});

test('INVOKE_BROKER_TO_RESET_OFFSET: stored at once, client commits ignored until a pull moves the consumer', async () => {
  await call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g-rst', topic: 'st', queueId: 0, commitOffset: 3 });
  assert.equal((await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'nope', group: 'g-rst', timestamp: 0, isForce: true })).code, ResponseCode.TOPIC_NOT_EXIST);
  const outOfRange = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'st', group: 'g-rst', timestamp: -1, isForce: true, queueId: 0, offset: 99 });
  assert.equal(outOfRange.code, ResponseCode.INVALID_PARAMETER);
  const r = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'st', group: 'g-rst', timestamp: 0, isForce: true });
  assert.equal(r.code, ResponseCode.SUCCESS);
  assert.deepEqual(decodeResetOffsetBody(r.body as Buffer).map(([mq, o]) => [mq.queueId, o]), [
    [0, 0],
    [1, 0],
  ]);
  const query = async () => (await call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'g-rst', topic: 'st', queueId: 0 })).extFields.offset;
  assert.equal(await query(), '0');
  // The consumer's stale position arrives: ignored while the reset is pending.
  await call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g-rst', topic: 'st', queueId: 0, commitOffset: 3 });
  assert.equal(await query(), '0');
  const pullHeader = { consumerGroup: 'g-rst', topic: 'st', queueId: 0, queueOffset: 3, maxMsgNums: 32, sysFlag: 0x1 | 0x4, commitOffset: 3, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0 };
  const moved = await call(RequestCode.PULL_MESSAGE, pullHeader);
  assert.equal(moved.code, ResponseCode.PULL_OFFSET_MOVED);
  assert.equal(moved.extFields.nextBeginOffset, '0');
  assert.equal(await query(), '0', 'the commit piggybacked on that pull is the stale one');
  const next = await call(RequestCode.PULL_MESSAGE, { ...pullHeader, queueOffset: 0, sysFlag: 0x4 });
  assert.equal(next.code, ResponseCode.SUCCESS);
  // A consumer that starts after a reset pulls from the reset offset: served, not moved.
  await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'st', group: 'g-rst', timestamp: -1, isForce: true, queueId: 0, offset: 1 });
  const atReset = await call(RequestCode.PULL_MESSAGE, { ...pullHeader, queueOffset: 1 });
  assert.equal(atReset.code, ResponseCode.SUCCESS);
  assert.equal(await query(), '1', 'its stale piggybacked commit is still not stored');
});
