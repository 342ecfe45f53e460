import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RemotingChannel } from '../../remoting/remoting-channel';
import { buildSubscriptionData } from '../filter/subscription-data';
import { ConsumerManager } from './consumer-manager';

function fakeChannel(): RemotingChannel & { wasClosed: boolean } {
  const ch = { wasClosed: false, isActive: true, close() { ch.wasClosed = true; } };
  return ch as unknown as RemotingChannel & { wasClosed: boolean };
}

const reg = (subs: [string, string][]) => ({
  consumeType: 'CONSUME_PASSIVELY',
  messageModel: 'CLUSTERING',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  subscriptions: subs.map(([t, e]) => buildSubscriptionData(t, e, 1)),
});

test('members join, are listed sorted, and every change notifies the group once', () => {
  const m = new ConsumerManager(120_000);
  const events: [string, string[]][] = [];
  m.on('idsChanged', (g: string, clients: { clientId: string }[]) => events.push([g, clients.map((c) => c.clientId).sort()]));
  const a = fakeChannel();
  const b = fakeChannel();
  assert.equal(m.register('g', { channel: b, clientId: 'z@2', language: 'JAVA', version: 1, lastUpdate: 1 }, reg([['t', '*']])), true);
  assert.equal(m.register('g', { channel: a, clientId: 'a@1', language: 'JAVA', version: 1, lastUpdate: 1 }, reg([['t', '*']])), true);
  assert.equal(m.register('g', { channel: a, clientId: 'a@1', language: 'JAVA', version: 1, lastUpdate: 2 }, reg([['t', '*']])), false, 'a plain heartbeat changes nothing');
  assert.deepEqual(m.group('g')?.clientIds(), ['a@1', 'z@2']);
  assert.deepEqual(events, [['g', ['z@2']], ['g', ['a@1', 'z@2']]]);

  m.onChannelClose(b);
  assert.deepEqual(m.group('g')?.clientIds(), ['a@1']);
  assert.deepEqual(events.at(-1), ['g', ['a@1']]);
  m.unregister('g', a);
  assert.equal(m.group('g'), undefined, 'an empty group is gone');
});

test('subscriptions follow heartbeats; a changed expression is a change', () => {
  const m = new ConsumerManager(120_000);
  const a = fakeChannel();
  const client = { channel: a, clientId: 'a@1', language: 'JAVA', version: 1, lastUpdate: 1 };
  m.register('g', client, reg([['t', 'A'], ['%RETRY%g', '*']]));
  assert.equal(m.findSubscription('g', 't')?.subString, 'A');
  assert.equal(m.register('g', client, reg([['t', 'A||B'], ['%RETRY%g', '*']])), true);
  assert.deepEqual(m.findSubscription('g', 't')?.tagsSet, ['A', 'B']);
  assert.equal(m.register('g', client, reg([['%RETRY%g', '*']])), true, 'sole member dropped a topic');
  assert.equal(m.findSubscription('g', 't'), undefined);
});

test('silent members expire and their connection is closed', () => {
  const m = new ConsumerManager(120_000);
  const a = fakeChannel();
  const b = fakeChannel();
  m.register('g', { channel: a, clientId: 'a', language: 'JAVA', version: 1, lastUpdate: 0 }, reg([['t', '*']]));
  m.register('g', { channel: b, clientId: 'b', language: 'JAVA', version: 1, lastUpdate: 100_000 }, reg([['t', '*']]));
  assert.equal(m.scanExpired(120_000), 0);
  assert.equal(m.scanExpired(120_001), 1);
  assert.equal(a.wasClosed, true);
  assert.equal(b.wasClosed, false);
  assert.deepEqual(m.group('g')?.clientIds(), ['b']);
});
