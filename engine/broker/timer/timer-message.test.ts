import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageInput } from '../../store/message-codec';
import { decodeProperties } from '../../store/message-properties';
import { applyTimer, timerSlotOf, TIMER_TOPIC } from './timer-message';

const config = { timerWheelEnable: true, timerMaxDelaySec: 3 * 24 * 3600, timerPrecisionMs: 1000 };
const NOW = 1_700_000_000_500;

function input(props: Record<string, string>, sysFlag = 0): { msg: MessageInput; props: Record<string, string> } {
  return { msg: { topic: 'T', queueId: 3, body: Buffer.from('b'), properties: '', sysFlag }, props: { ...props } };
}

test('the slot is the one before the delivery time, so it fires at or after it (never early)', () => {
  assert.equal(timerSlotOf(5000, 1000), 4000);
  assert.equal(timerSlotOf(5001, 1000), 5000);
  assert.equal(timerSlotOf(5999, 1000), 5000);
  // The reader fires slot s once s + precision has passed: never before the delivery time.
  for (const at of [5000, 5001, 5999, 6000]) assert.ok(timerSlotOf(at, 1000) + 1000 >= at);
});

test('each property parks the message in rmq_sys_wheel_timer queue 0 with TIMER_OUT_MS, REAL_TOPIC, REAL_QID', () => {
  const cases: Array<[Record<string, string>, number]> = [
    [{ TIMER_DELIVER_MS: String(NOW + 10_000) }, NOW + 10_000],
    [{ TIMER_DELAY_SEC: '10' }, NOW + 10_000],
    [{ TIMER_DELAY_MS: '10000' }, NOW + 10_000],
    // RocketMQ's precedence: DELAY_SEC over DELAY_MS over DELIVER_MS.
    [{ TIMER_DELAY_SEC: '5', TIMER_DELAY_MS: '9000', TIMER_DELIVER_MS: String(NOW + 20_000) }, NOW + 5000],
    [{ TIMER_DELAY_MS: '9000', TIMER_DELIVER_MS: String(NOW + 20_000) }, NOW + 9000],
  ];
  for (const [props, deliverMs] of cases) {
    const { msg, props: map } = input({ ...props, KEYS: 'k' });
    assert.equal(applyTimer(config, msg, map, NOW), null);
    assert.equal(msg.topic, TIMER_TOPIC);
    assert.equal(msg.queueId, 0);
    const stored = decodeProperties(msg.properties as string);
    assert.equal(stored.TIMER_OUT_MS, String(timerSlotOf(deliverMs, 1000)));
    assert.equal(stored.REAL_TOPIC, 'T');
    assert.equal(stored.REAL_QID, '3');
    assert.equal(stored.KEYS, 'k');
  }
});

test('beyond timerMaxDelaySec, unparsable, or disabled: refused with RocketMQ\'s statuses; the maximum itself is accepted', () => {
  const max = config.timerMaxDelaySec * 1000;
  const refused = (props: Record<string, string>, c = config) => {
    const { msg, props: map } = input(props);
    return applyTimer(c, msg, map, NOW);
  };
  assert.equal(refused({ TIMER_DELIVER_MS: String(NOW + max + 1) })?.status, 'WHEEL_TIMER_MSG_ILLEGAL');
  assert.match(refused({ TIMER_DELAY_SEC: String(config.timerMaxDelaySec + 1) })?.remark ?? '', /max delay 259200000ms/);
  assert.equal(refused({ TIMER_DELIVER_MS: String(NOW + max) }), null);
  for (const bad of ['', '1.5', '12abc', ' 5', '99999999999999999999']) assert.equal(refused({ TIMER_DELAY_MS: bad })?.status, 'WHEEL_TIMER_MSG_ILLEGAL', JSON.stringify(bad));
  assert.equal(refused({ TIMER_DELAY_MS: '1000' }, { ...config, timerWheelEnable: false })?.status, 'WHEEL_TIMER_NOT_ENABLE');
  assert.equal(refused({ TIMER_DELAY_MS: '1000', TIMER_DEL_UNIQKEY: 'X' })?.status, 'WHEEL_TIMER_MSG_ILLEGAL');
});

test('not transformed: a time already passed, a DELAY level (which strips the timer properties), a prepared half, a delivered copy', () => {
  const past = input({ TIMER_DELIVER_MS: String(NOW - 1) });
  assert.equal(applyTimer(config, past.msg, past.props, NOW), null);
  assert.equal(past.msg.topic, 'T');

  const level = input({ DELAY: '3', TIMER_DELAY_SEC: '60', TIMER_DELIVER_MS: '1' });
  assert.equal(applyTimer(config, level.msg, level.props, NOW), null);
  assert.equal(level.msg.topic, 'T');
  assert.deepEqual(decodeProperties(level.msg.properties as string), { DELAY: '3' });

  const prepared = input({ TIMER_DELAY_SEC: '60' }, 0x4);
  assert.equal(applyTimer(config, prepared.msg, prepared.props, NOW), null);
  assert.equal(prepared.msg.topic, 'T');

  const copy = input({ TIMER_DELAY_SEC: '60', TIMER_OUT_MS: String(NOW) });
  assert.equal(applyTimer(config, copy.msg, copy.props, NOW), null);
  assert.equal(copy.msg.topic, 'T');
});
