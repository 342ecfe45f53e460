/**
 * The RocketMQ 5 gRPC endpoint of the real process, driven by the official 5.x client
 * (rocketmq-client-nodejs 1.0.8) and, for what that client never sends, a raw MessagingService client:
 * routes, the settings handshake, sends read back by ali-ons, client registration, and every kind of
 * bad input answered with the proxy's status codes while the endpoint keeps serving.
 * Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { createConsumer, waitFor, type OnsMessage } from '../support/ali-ons';
import { startEngine } from '../support/engine-fixture';
import { RawMessagingClient, sendRequest } from '../support/grpc-raw';
import { startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';
import { message, shutdownQuietly, startProducer, startSimpleConsumer } from '../support/rocketmq5';

let rd: RocketDeckProcess;
let endpoint: string;
let nameSrv: string;
let brokerAddr: string;
let raw: RawMessagingClient;
const remoting = new RemotingClient();

before(async () => {
  rd = await startRocketDeck();
  endpoint = `127.0.0.1:${rd.grpcPort}`;
  nameSrv = `127.0.0.1:${rd.namesrvPort}`;
  brokerAddr = `127.0.0.1:${rd.brokerPort}`;
  raw = new RawMessagingClient(endpoint);
});

after(async () => {
  raw.close();
  await remoting.close();
  await rd.stop();
});

async function createTopic(topic: string, type: string): Promise<void> {
  const header = { topic, readQueueNums: 4, writeQueueNums: 4, perm: 6, attributes: `+message.type=${type}` };
  const res = await remoting.invoke(brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, header));
  assert.equal(res.code, 0, res.remark);
}

test('QueryRoute: an unknown topic is created, queue 0 read-write at this gRPC endpoint, accepting every message type', async () => {
  const res = await raw.unary('QueryRoute', { topic: { name: 'g-route' }, endpoints: { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port: rd.grpcPort }] } });
  assert.equal(res.status.code, 'OK');
  const queues = res.messageQueues as { id: number; permission: string; broker: { name: string; endpoints: { addresses: { host: string; port: number }[] } }; acceptMessageTypes: string[] }[];
  assert.equal(queues.length, 4);
  assert.deepEqual(queues.map((q) => q.id), [0, 1, 2, 3]);
  assert.equal(queues[0]!.permission, 'READ_WRITE');
  assert.deepEqual(queues[0]!.broker.endpoints.addresses, [{ host: '127.0.0.1', port: rd.grpcPort }]);
  assert.deepEqual(queues[0]!.acceptMessageTypes, ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION']);

  await createTopic('g-route-fifo', 'FIFO');
  const fifo = await raw.unary('QueryRoute', { topic: { name: 'g-route-fifo' }, endpoints: null });
  assert.deepEqual((fifo.messageQueues as { acceptMessageTypes: string[] }[])[0]!.acceptMessageTypes, ['FIFO']);
});

test('a 5.x send reaches an ali-ons consumer with tag, keys, user properties and body intact', async () => {
  const producer = await startProducer(endpoint, ['g-cross-out']);
  const consumer = await createConsumer(nameSrv, 'g-cross-out-cg');
  const got: OnsMessage[] = [];
  consumer.subscribe('g-cross-out', 'TagA', async (m) => {
    got.push(m);
  });
  try {
    const receipts = [];
    for (let i = 0; i < 3; i++) {
      receipts.push(await producer.send(message('g-cross-out', `body-${i} \u00e9\u2603`, { tag: i === 1 ? 'TagB' : 'TagA', keys: [`k${i}`, 'shared'], properties: new Map([['color', `c${i}`]]) })));
    }
    await waitFor(() => got.length >= 2, 20_000, 'ali-ons to receive the TagA messages');
    await new Promise((r) => setTimeout(r, 500));
    const sorted = [...got].sort((a, b) => a.body.toString().localeCompare(b.body.toString()));
    assert.deepEqual(sorted.map((m) => m.body.toString()), ['body-0 \u00e9\u2603', 'body-2 \u00e9\u2603']);
    assert.deepEqual(sorted.map((m) => m.tags), ['TagA', 'TagA']);
    assert.deepEqual(sorted.map((m) => m.keys), ['k0 shared', 'k2 shared']);
    assert.deepEqual(sorted.map((m) => m.properties.color), ['c0', 'c2']);
    assert.deepEqual(sorted.map((m) => m.properties.UNIQ_KEY), [receipts[0]!.messageId, receipts[2]!.messageId]);
  } finally {
    await consumer.close();
    await shutdownQuietly(producer);
  }
});

test('a producer with several topics starts: its settings reply is repeated after its last route lookup', async () => {
  // The client looks the routes up one by one and only then waits for the settings reply it asked for after the first.
  const topics = ['g-multi-1', 'g-multi-2', 'g-multi-3', 'g-multi-4'];
  const producer = await Promise.race([
    startProducer(endpoint, topics),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('start-up hung')), 15_000)),
  ]);
  try {
    for (const topic of topics) assert.ok((await producer.send(message(topic, 'hi'))).messageId);
  } finally {
    await shutdownQuietly(producer);
  }
});

test('5.x clients are listed like remoting ones: producers under their topic, consumers under their group', async () => {
  const producer = await startProducer(endpoint, ['g-listed']);
  const consumer = await startSimpleConsumer(endpoint, 'g-listed-cg', { 'g-listed': '*' });
  try {
    const connections = async (code: number, header: Record<string, string>) => {
      const res = await remoting.invoke(brokerAddr, createRequest(code, header));
      assert.equal(res.code, 0, res.remark);
      return (JSON.parse(res.body!.toString()) as { connectionSet: { clientId: string; language: string }[] }).connectionSet;
    };
    const producers = await connections(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'g-listed' });
    assert.deepEqual(producers.map((c) => [c.clientId, c.language]), [[producer.clientId, 'NODE_JS']]);
    const consumers = await connections(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'g-listed-cg' });
    assert.deepEqual(consumers.map((c) => [c.clientId, c.language]), [[consumer.clientId, 'NODE_JS']]);

    await shutdownQuietly(consumer);
    const gone = await remoting.invoke(brokerAddr, createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'g-listed-cg' }));
    assert.notEqual(gone.code, 0, 'NotifyClientTermination removed the only consumer of the group');
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('bad sends get the proxy status codes with a readable message, and nothing is stored', async () => {
  await createTopic('g-bad-normal', 'NORMAL');
  const send = async (patch: Parameters<typeof sendRequest>[1], topic = 'g-bad-normal') => (await raw.unary('SendMessage', sendRequest(topic, patch))).status;
  const cases: [string, Parameters<typeof sendRequest>[1], string, RegExp, string?][] = [
    ['empty body', { body: Buffer.alloc(0) }, 'MESSAGE_BODY_EMPTY', /body cannot be empty/],
    ['body over 4 MiB', { body: Buffer.alloc(4 * 1024 * 1024 + 1) }, 'MESSAGE_BODY_TOO_LARGE', /cannot exceed the max 4194304/],
    ['17 KiB of properties', { userProperties: { big: 'x'.repeat(17 * 1024) } }, 'MESSAGE_PROPERTIES_TOO_LARGE', /total size of user property/],
    ['129 properties', { userProperties: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, 'v'])) }, 'MESSAGE_PROPERTIES_TOO_LARGE', /too many user properties/],
    ['a reserved property', { userProperties: { UNIQ_KEY: 'mine' } }, 'ILLEGAL_MESSAGE_PROPERTY_KEY', /used by system: UNIQ_KEY/],
    ['a tag with |', { system: { tag: 'a|b' } }, 'ILLEGAL_MESSAGE_TAG', /cannot contain '\|'/],
    ['a blank message id', { system: { messageId: ' ' } }, 'ILLEGAL_MESSAGE_ID', /message id cannot be empty/],
    ['a 64-byte message group', { system: { messageGroup: 'g'.repeat(64), messageType: 'FIFO' } }, 'ILLEGAL_MESSAGE_GROUP', /exceed the max size 64/],
    ['delivery two days ahead', { system: { deliveryTimestamp: { seconds: Math.floor(Date.now() / 1000) + 2 * 86400, nanos: 0 }, messageType: 'DELAY' } }, 'ILLEGAL_DELIVERY_TIME', /max delay time/],
    ['FIFO to a NORMAL topic', { system: { messageGroup: 'order-1', messageType: 'FIFO' } }, 'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE', /expected type is NORMAL, but actual type is FIFO/],
    ['a system topic', {}, 'ILLEGAL_TOPIC', /system topic/, 'RMQ_SYS_TRACE_TOPIC'],
    ['an illegal topic name', {}, 'ILLEGAL_TOPIC', /illegal characters/, 'bad topic!'],
  ];
  for (const [what, patch, code, pattern, topic] of cases) {
    const s = await send(patch, topic);
    assert.equal(s.code, code, what);
    assert.match(s.message, pattern, what);
  }
  const none = await raw.unary('SendMessage', { messages: [] });
  assert.equal(none.status.code, 'MESSAGE_CORRUPTED');

  const offsets = await remoting.invoke(brokerAddr, createRequest(RequestCode.GET_MAX_OFFSET, { topic: 'g-bad-normal', queueId: 0 }));
  assert.equal(offsets.extFields.offset, '0', 'no refused message was stored');
  const ok = await send({});
  assert.equal(ok.code, 'OK', 'the endpoint still serves good sends');
});

test('bad receives, acks and other calls get the proxy status codes', async () => {
  const queue = { topic: { name: 'g-bad-normal' }, id: 0, permission: 'READ_WRITE', broker: { name: 'broker-a', id: 0, endpoints: null }, acceptMessageTypes: [] };
  const receive = async (patch: Record<string, unknown>, deadlineMs = 30_000) => {
    const items = await raw.stream('ReceiveMessage', { group: { name: 'g-bad-cg' }, messageQueue: queue, filterExpression: { type: 'TAG', expression: '*' }, batchSize: 4, invisibleDuration: { seconds: 15, nanos: 0 }, longPollingTimeout: { seconds: 5, nanos: 0 }, ...patch }, deadlineMs);
    return items.map((i) => i.status as { code: string; message: string });
  };
  const expectOne = async (statuses: Promise<{ code: string; message: string }[]>, code: string, pattern: RegExp) => {
    const got = await statuses;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.code, code);
    assert.match(got[0]!.message, pattern);
  };
  await expectOne(receive({ group: { name: '' } }), 'ILLEGAL_CONSUMER_GROUP', /group is blank/);
  await expectOne(receive({ invisibleDuration: { seconds: 5, nanos: 0 } }), 'ILLEGAL_INVISIBLE_TIME', /too small. min is 10000/);
  await expectOne(receive({ invisibleDuration: { seconds: 13 * 3600, nanos: 0 } }), 'ILLEGAL_INVISIBLE_TIME', /too large/);
  await expectOne(receive({ batchSize: 0 }), 'BAD_REQUEST', /batch size must be at least 1/);
  await expectOne(receive({ filterExpression: { type: 'TAG', expression: '||' } }), 'ILLEGAL_FILTER_EXPRESSION', /has no tag/);
  await expectOne(receive({}, 3000), 'ILLEGAL_POLLING_TIME', /not enough for polling/);

  const ack = await raw.unary('AckMessage', { group: { name: 'g-bad-cg' }, topic: { name: 'g-bad-normal' }, entries: [{ messageId: 'x', receiptHandle: '' }] });
  assert.equal(ack.status.code, 'INVALID_RECEIPT_HANDLE');
  const change = await raw.unary('ChangeInvisibleDuration', { group: { name: 'g-bad-cg' }, topic: { name: 'g-bad-normal' }, receiptHandle: '', invisibleDuration: { seconds: 30, nanos: 0 }, messageId: 'x' });
  assert.equal(change.status.code, 'INVALID_RECEIPT_HANDLE');
  const end = await raw.unary('EndTransaction', { topic: { name: 'g-bad-normal' }, messageId: 'm', transactionId: '', resolution: 'COMMIT', source: 'SOURCE_CLIENT' });
  assert.equal(end.status.code, 'INVALID_TRANSACTION_ID');
  const heartbeat = await raw.unary('Heartbeat', { clientType: 'PRODUCER' }, false);
  assert.equal(heartbeat.status.code, 'CLIENT_ID_REQUIRED');
  const unknownType = await raw.unary('Heartbeat', { clientType: 'CLIENT_TYPE_UNSPECIFIED' });
  assert.equal(unknownType.status.code, 'UNRECOGNIZED_CLIENT_TYPE');
  for (const method of ['UpdateOffset', 'GetOffset', 'QueryOffset', 'RecallMessage', 'SyncLiteSubscription']) {
    const res = await raw.unary(method, {});
    assert.equal(res.status.code, 'NOT_IMPLEMENTED', method);
    assert.match(res.status.message, new RegExp(`${method} is not implemented`));
  }
  const pull = await raw.stream('PullMessage', {});
  assert.deepEqual(pull.map((i) => (i.status as { code: string }).code), ['NOT_IMPLEMENTED']);
});

test('a TRANSACTION send is a half message of the broker: OK with its transaction id; refused while rejectTransactionMessage is on', async () => {
  const req = sendRequest('g-route', { system: { messageType: 'TRANSACTION' } }) as { messages: { systemProperties: { messageId: string } }[] };
  const sent = await raw.unary('SendMessage', req);
  assert.equal(sent.status.code, 'OK', sent.status.message);
  const entry = (sent.entries as { transactionId: string; messageId: string }[])[0]!;
  assert.equal(entry.transactionId, req.messages[0]!.systemProperties.messageId);
  const rollback = await raw.unary('EndTransaction', { topic: { name: 'g-route' }, messageId: entry.messageId, transactionId: entry.transactionId, resolution: 'ROLLBACK', source: 'SOURCE_CLIENT' });
  assert.equal(rollback.status.code, 'OK', rollback.status.message);
  const update = (text: string) => remoting.invoke(brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(text) }));
  assert.equal((await update('rejectTransactionMessage=true\n')).code, 0);
  try {
    const refused = (await raw.unary('SendMessage', sendRequest('g-route', { system: { messageType: 'TRANSACTION' } }))).status;
    assert.equal(refused.code, 'FORBIDDEN');
    assert.match(refused.message, /sending transaction message is forbidden/);
  } finally {
    assert.equal((await update('rejectTransactionMessage=false\n')).code, 0);
  }
});

test('with auto-creation off an unknown topic is TOPIC_NOT_FOUND, and the 5.x producer cannot start on it', async () => {
  const fx = await startEngine({ autoCreateTopicEnable: false });
  const local = new RawMessagingClient(`127.0.0.1:${fx.engine.grpc!.port}`);
  try {
    const res = await local.unary('QueryRoute', { topic: { name: 'g-missing' }, endpoints: null });
    assert.equal(res.status.code, 'TOPIC_NOT_FOUND');
    assert.match(res.status.message, /topic g-missing does not exist/);
    const send = await local.unary('SendMessage', sendRequest('g-missing'));
    assert.equal(send.status.code, 'TOPIC_NOT_FOUND');
    await assert.rejects(startProducer(`127.0.0.1:${fx.engine.grpc!.port}`, ['g-missing']), /Failed to fetch topic routes/);
  } finally {
    local.close();
    await fx.close();
  }
});

test('garbage on the gRPC port and clients dropping mid-call do not stop the endpoint serving others', async () => {
  const junk = [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u0001garbage-frame'), Buffer.alloc(70_000, 0xff)];
  for (const bytes of junk) {
    await new Promise<void>((resolve) => {
      const socket = net.connect(rd.grpcPort, '127.0.0.1', () => socket.end(bytes));
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
    });
  }
  // A long poll whose client goes away before it ends.
  const dropping = new RawMessagingClient(endpoint);
  const queue = { topic: { name: 'g-bad-normal' }, id: 0, permission: 'READ_WRITE', broker: { name: 'broker-a', id: 0, endpoints: null }, acceptMessageTypes: [] };
  const polling = dropping.stream('ReceiveMessage', { group: { name: 'g-drop-cg' }, messageQueue: queue, filterExpression: { type: 'TAG', expression: 'nothing-matches' }, batchSize: 1, invisibleDuration: { seconds: 15, nanos: 0 }, longPollingTimeout: { seconds: 20, nanos: 0 } }).catch(() => []);
  await new Promise((r) => setTimeout(r, 300));
  dropping.close();
  await polling;
  const route = await raw.unary('QueryRoute', { topic: { name: 'g-route' }, endpoints: null });
  assert.equal(route.status.code, 'OK');
  const sent = await raw.unary('SendMessage', sendRequest('g-route'));
  assert.equal(sent.status.code, 'OK');
  assert.equal(rd.proc.exitCode, null, 'the process is still up');
});
