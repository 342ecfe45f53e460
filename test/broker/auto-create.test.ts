/** autoCreateTopicEnable on (the embedded default) and off, as a real ali-ons producer sees it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProducer, message } from '../support/ali-ons';
import { startEngine } from '../support/engine-fixture';

test('with auto-creation on, a send to a new topic creates it with 4 queues', async () => {
  const fx = await startEngine();
  const producer = await createProducer(fx.nameSrv, 'ac-pg');
  try {
    const r = await producer.send(message('ac-new-topic', 'T', 'hello'));
    assert.equal(r.sendStatus, 'SEND_OK');
    const config = fx.engine.broker?.ctx.topics.get('ac-new-topic');
    assert.equal(config?.writeQueueNums, 4);
    assert.equal(config?.perm, 6);
  } finally {
    await producer.close();
    await fx.close();
  }
});

test('with auto-creation off, a send to an unknown topic fails and creates nothing', async () => {
  const fx = await startEngine({ autoCreateTopicEnable: false });
  const producer = await createProducer(fx.nameSrv, 'ac-off-pg');
  try {
    await assert.rejects(producer.send(message('ac-unknown-topic', 'T', 'hello')), /ac-unknown-topic|route|TOPIC_NOT_EXIST|No route/i);
    assert.equal(fx.engine.broker?.ctx.topics.get('ac-unknown-topic'), undefined);
    assert.equal(fx.engine.broker?.ctx.topics.get('TBW102'), undefined, 'no auto-create template when off');
  } finally {
    await producer.close();
    await fx.close();
  }
});
