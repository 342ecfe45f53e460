import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotAllowedSendTopic, isSystemTopic, isTopicOrGroupIllegal, validateTopic } from './topic-validator';

test('valid names: RocketMQ charset, up to 127 chars, retry/DLQ up to 255', () => {
  for (const t of ['TopicTest', 'a', 'with-dash_under|pipe%pct', 'A'.repeat(127), `%RETRY%${'g'.repeat(248)}`, `%DLQ%${'g'.repeat(250)}`]) {
    assert.deepEqual(validateTopic(t), { valid: true }, t);
  }
});

test('invalid names carry RocketMQ remarks', () => {
  assert.deepEqual(validateTopic(''), { valid: false, remark: 'The specified topic is blank.' });
  assert.deepEqual(validateTopic('   '), { valid: false, remark: 'The specified topic is blank.' });
  assert.deepEqual(validateTopic(undefined), { valid: false, remark: 'The specified topic is blank.' });
  for (const t of ['a b', 'a.b', 'ä', 'topic/x', 'a\u0000', 'emoji✓', 'x:y']) {
    const r = validateTopic(t);
    assert.equal(r.valid, false, t);
    assert.match((r as { remark: string }).remark, /illegal characters/);
  }
  assert.match((validateTopic('A'.repeat(128)) as { remark: string }).remark, /longer than topic max length/);
  assert.equal(validateTopic(`%RETRY%${'g'.repeat(249)}`).valid, false);
});

test('system and not-allowed-send topics', () => {
  assert.ok(isSystemTopic('TBW102'));
  assert.ok(isSystemTopic('rmq_sys_anything'));
  assert.ok(!isSystemTopic('TopicTest'));
  assert.ok(isNotAllowedSendTopic('SCHEDULE_TOPIC_XXXX'));
  assert.ok(!isNotAllowedSendTopic('RMQ_SYS_TRACE_TOPIC'));
  assert.ok(isNotAllowedSendTopic('rmq_sys_REVIVE_LOG_DefaultCluster'), 'pop checkpoints are the broker\'s own');
  assert.ok(isTopicOrGroupIllegal('a b'));
  assert.ok(!isTopicOrGroupIllegal('CID_group-1'));
});
