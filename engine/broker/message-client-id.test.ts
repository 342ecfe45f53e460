import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageClientIdSetter } from './message-client-id';

/** The id as RocketMQ's layout defines it, built with a Buffer (the reference for the hex fast path). */
function reference(prefixHex: string, now: number, monthStart: number, counter: number): string {
  const b = Buffer.alloc(16);
  Buffer.from(prefixHex, 'hex').copy(b, 0);
  b.writeInt32BE((now - monthStart) | 0, 10);
  b.writeUInt16BE(counter, 14);
  return b.toString('hex').toUpperCase();
}

function monthStartOf(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

test('UNIQ_KEY: 32 uppercase hex chars, ip and pid up front, time since month start and a counter at the end', () => {
  const ids = new MessageClientIdSetter('10.1.2.3');
  const now = Date.UTC(2026, 10, 25, 15, 30, 0, 123);
  const id = ids.createUniqId(now);
  assert.match(id, /^[0-9A-F]{32}$/);
  assert.equal(id.slice(0, 8), '0A010203');
  assert.equal(id.slice(8, 12), (process.pid & 0xffff).toString(16).toUpperCase().padStart(4, '0'));
  assert.equal(id, reference(id.slice(0, 20), now, monthStartOf(now), 0));
});

test('UNIQ_KEY: matches the byte layout for many times and counters, the counter wrapping at 65536', () => {
  const ids = new MessageClientIdSetter('127.0.0.1');
  const base = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
  const prefix = ids.createUniqId(base).slice(0, 20);
  let counter = 1;
  for (let i = 0; i < 70_000; i++) {
    const now = base + i * 37;
    assert.equal(ids.createUniqId(now), reference(prefix, now, monthStartOf(now), counter), `at step ${i}`);
    counter = (counter + 1) & 0xffff;
  }
});

test('UNIQ_KEY: a clock that moved back before the month start still yields the int32 two-complement time', () => {
  const ids = new MessageClientIdSetter('127.0.0.1');
  const now = Date.UTC(2026, 5, 15);
  const prefix = ids.createUniqId(now).slice(0, 20);
  const earlier = monthStartOf(now) - 5_000;
  assert.equal(ids.createUniqId(earlier), reference(prefix, earlier, monthStartOf(now), 1));
});

test('UNIQ_KEY: a non-IPv4 broker address gets random ip bytes, still 32 hex chars', () => {
  assert.match(new MessageClientIdSetter('::1').createUniqId(), /^[0-9A-F]{32}$/);
});
