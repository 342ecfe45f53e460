/**
 * Topic auto-creation in the process users run (dist/server/main.js; needs `npm run build`): on by default,
 * `--auto-create-topic false` refuses sends to unknown topics as RocketMQ refuses them, and topics created
 * through the console's admin client work either way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import { createProducer, message } from '../support/ali-ons';
import { routeOf, sendLikeJavaClient } from '../support/remoting-calls';
import { startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';

async function withProcess(args: string[], fn: (p: RocketDeckProcess, nameSrv: string, client: RemotingClient, admin: RemotingClusterAdmin) => Promise<void>): Promise<void> {
  const p = await startRocketDeck(args);
  const nameSrv = `127.0.0.1:${p.namesrvPort}`;
  const client = new RemotingClient();
  const admin = new RemotingClusterAdmin({ nameServers: [nameSrv] });
  try {
    await fn(p, nameSrv, client, admin);
  } finally {
    await admin.close();
    await client.close();
    assert.equal(await p.stop(), 0, p.output());
  }
}

test('the default process: unknown topics are 17 on lookup, created by a first send naming TBW102', async () => {
  await withProcess([], async (_p, nameSrv, client, admin) => {
    assert.equal((await routeOf(client, nameSrv, 'NOT_EXISTS')).code, ResponseCode.TOPIC_NOT_EXIST);
    const sent = await sendLikeJavaClient(client, nameSrv, 'acp-new', 'hello');
    assert.deepEqual([sent.via, sent.code], ['default', ResponseCode.SUCCESS]);
    const topic = (await admin.listTopics()).find((t) => t.topic === 'acp-new');
    assert.ok(topic, 'the console sees the created topic');
  });
});

test('--auto-create-topic false: sends to unknown topics are refused; a topic created in the console takes sends', async () => {
  await withProcess(['--auto-create-topic', 'false'], async (p, nameSrv, client, admin) => {
    assert.equal((await routeOf(client, nameSrv, 'TBW102')).code, ResponseCode.TOPIC_NOT_EXIST, 'no default topic to fall back to');
    const header = { producerGroup: 'pg', topic: 'acp-off', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0 };
    const refused = await client.invoke(`127.0.0.1:${p.brokerPort}`, createRequest(RequestCode.SEND_MESSAGE, header, { body: Buffer.from('x') }));
    assert.deepEqual([refused.code, refused.remark], [ResponseCode.TOPIC_NOT_EXIST, 'topic[acp-off] not exist, apply first please!']);
    const producer = await createProducer(nameSrv, 'acp-off-pg', { provision: false });
    try {
      await assert.rejects(producer.send(message('acp-off', 'T', 'x')), { code: ResponseCode.TOPIC_NOT_EXIST });
      await admin.createTopic({ topic: 'acp-off', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
      let sent: Awaited<ReturnType<typeof producer.send>> | undefined;
      for (const end = Date.now() + 10_000; !sent; ) {
        // ali-ons asks the name server again on each send until the broker's registration reached it.
        sent = await producer.send(message('acp-off', 'T', 'x')).catch((err: unknown) => {
          if (Date.now() > end) throw err;
          return undefined;
        });
      }
      assert.equal(sent.sendStatus, 'SEND_OK');
    } finally {
      await producer.close();
    }
  });
});

test('--default-route-for-unknown-topics true: ali-ons, which has no TBW102 fallback, creates a topic by sending to it', async () => {
  await withProcess(['--default-route-for-unknown-topics', 'true'], async (_p, nameSrv, client, admin) => {
    const lookup = await routeOf(client, nameSrv, 'acp-ons-new');
    assert.equal(lookup.code, ResponseCode.SUCCESS, 'answered with the default route');
    // TBW102's broker and perm, with the clients' defaultTopicQueueNums (4) the broker will create.
    assert.deepEqual(lookup.route?.queueDatas.map((q) => [q.brokerName, q.perm, q.readQueueNums, q.writeQueueNums]), [['broker-a', 7, 4, 4]]);
    assert.equal((await admin.listTopics()).some((t) => t.topic === 'acp-ons-new'), false, 'the lookup created nothing');
    for (const name of ['%RETRY%g', 'rmq_sys_unknown', 'bad topic']) {
      assert.equal((await routeOf(client, nameSrv, name)).code, ResponseCode.TOPIC_NOT_EXIST, `no default route for ${name}`);
    }
    const producer = await createProducer(nameSrv, 'acp-ons-pg', { provision: false });
    try {
      // Every queue of the served route exists once the topic is created: send to all of them.
      for (let i = 0; i < 12; i++) assert.equal((await producer.send(message('acp-ons-new', 'T', `m${i}`))).sendStatus, 'SEND_OK');
      const created = (await admin.listTopics()).find((t) => t.topic === 'acp-ons-new');
      assert.ok(created, 'the first send created the topic');
      const own = await routeOf(client, nameSrv, 'acp-ons-new');
      assert.deepEqual(own.route?.queueDatas.map((q) => [q.perm, q.writeQueueNums]), [[6, 4]], 'its own route, not the default one, once registered');
    } finally {
      await producer.close();
    }
  });
});
