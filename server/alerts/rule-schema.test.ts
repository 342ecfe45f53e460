import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelInputSchema } from './channel-schema';
import { AlertInputError, parseRule } from './rule-schema';
import { compilePattern, matchesPattern } from './scope-pattern';

function refused(input: unknown, message: RegExp): void {
  assert.throws(() => parseRule(input), (err: unknown) => {
    assert.ok(err instanceof AlertInputError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

test('a minimal rule gets defaults: enabled, warning, for 0, every cluster, no channels', () => {
  const r = parseRule({ name: '  lag  ', condition: { kind: 'group_lag_above', threshold: 1000 } });
  assert.deepEqual(r, { name: 'lag', enabled: true, severity: 'warning', forMs: 0, scope: { cluster: '*' }, condition: { kind: 'group_lag_above', threshold: 1000 }, channelIds: [], description: '' });
  assert.deepEqual(parseRule({ name: 'x', condition: { kind: 'consumer_unhealthy' } }).condition, { kind: 'consumer_unhealthy', statuses: ['STALL', 'STOP'] });
  assert.equal(parseRule({ name: 'x', condition: { kind: 'dlq_new_messages' } }).condition.kind, 'dlq_new_messages');
});

test('invalid thresholds are refused with a clear message', () => {
  refused({ name: 'x', condition: { kind: 'group_lag_above', threshold: 0 } }, /condition\.threshold: threshold must be at least 1 message/);
  refused({ name: 'x', condition: { kind: 'group_lag_above', threshold: 1.5 } }, /threshold must be a whole number of messages/);
  refused({ name: 'x', condition: { kind: 'group_lag_above', threshold: '100' } }, /threshold must be a number of messages/);
  refused({ name: 'x', condition: { kind: 'group_lag_above', threshold: 1e13 } }, /at most 1000000000000 messages/);
  refused({ name: 'x', condition: { kind: 'broker_disk_above', percent: 120 } }, /percent must be at most 100/);
  refused({ name: 'x', condition: { kind: 'broker_disk_above', percent: 0 } }, /percent must be above 0/);
  refused({ name: 'x', condition: { kind: 'topic_produce_tps', op: 'below', bound: -1 } }, /bound must not be negative/);
  refused({ name: 'x', condition: { kind: 'topic_produce_tps', op: 'under', bound: 1 } }, /op must be "below" or "above"/);
  refused({ name: 'x', condition: { kind: 'consumer_unhealthy', statuses: [] } }, /pick at least one status/);
  refused({ name: 'x', condition: { kind: 'lag' } }, /condition kind must be one of group_lag_above/);
});

test('invalid windows and for-durations are refused with a clear message', () => {
  refused({ name: 'x', forMs: -1, condition: { kind: 'group_no_consumers' } }, /forMs: "for" must be at least 0/);
  refused({ name: 'x', forMs: 2 * 86_400_000, condition: { kind: 'group_no_consumers' } }, /"for" must be at most 1 d/);
  refused({ name: 'x', condition: { kind: 'dlq_new_messages', windowMs: 1_000 } }, /condition\.windowMs: window must be at least 1 min/);
  refused({ name: 'x', condition: { kind: 'group_lag_time_above', thresholdMs: 10 } }, /threshold must be at least 1 s/);
});

test('invalid scopes are refused: bad characters, empty patterns, labels the condition has no use for, unknown keys', () => {
  refused({ name: 'x', scope: { cluster: 'a b' }, condition: { kind: 'broker_unreachable' } }, /scope\.cluster: cluster pattern may use letters, digits, _ - % \| and \* only/);
  refused({ name: 'x', scope: { cluster: '*', group: '' }, condition: { kind: 'group_no_consumers' } }, /group pattern must not be empty \(use \* for all\)/);
  refused({ name: 'x', scope: { topic: 'orders' }, condition: { kind: 'group_lag_above', threshold: 5 } }, /scope\.topic: a group_lag_above rule is about groups: scope it by cluster and group, not topic/);
  refused({ name: 'x', scope: { group: 'g' }, condition: { kind: 'broker_disk_above', percent: 80 } }, /scope\.group: a broker_disk_above rule is about brokers: scope it by cluster, not group/);
  refused({ name: 'x', scope: { cluster: '*', queue: '1' }, condition: { kind: 'group_no_consumers' } }, /scope: Unrecognized key/);
  refused({ name: '', condition: { kind: 'group_no_consumers' } }, /name: name is required/);
  refused({ name: 'x', severity: 'page', condition: { kind: 'group_no_consumers' } }, /severity must be info, warning or critical/);
  assert.equal(parseRule({ name: 'x', scope: { cluster: 'prod-*', group: '%RETRY%*' }, condition: { kind: 'group_no_consumers' } }).scope.group, '%RETRY%*');
});

test('scope patterns: * matches any run, | and % are literal, nothing else is special', () => {
  assert.equal(matchesPattern('bill*', 'billing'), true);
  assert.equal(matchesPattern('bill*', 'xbilling'), false);
  assert.equal(matchesPattern('*', undefined), true);
  assert.equal(matchesPattern('g', undefined), false);
  assert.equal(matchesPattern('%DLQ%*', '%DLQ%billing'), true);
  assert.equal(matchesPattern('a|b', 'a'), false);
  assert.equal(matchesPattern('a|b', 'a|b'), true);
  assert.equal(matchesPattern('*-orders-*', 'eu-orders-v2'), true);
  assert.equal(compilePattern('a*b').source, '^a.*b$');
});

test('webhook channels: http(s) URL required, bounded timeout and attempts', () => {
  assert.equal(ChannelInputSchema.safeParse({ name: 'ops', type: 'webhook', config: { url: 'http://127.0.0.1:9/x' } }).success, true);
  const bad = ChannelInputSchema.safeParse({ name: 'ops', type: 'webhook', config: { url: 'ftp://x/y', timeoutMs: 60_000, maxAttempts: 0 } });
  assert.equal(bad.success, false);
  const messages = bad.error!.issues.map((i) => i.message);
  assert.ok(messages.includes('url must start with http:// or https://'), messages.join());
  assert.ok(messages.includes('timeout must be at most 30000 ms'));
  assert.ok(messages.includes('at least 1 attempt'));
});
