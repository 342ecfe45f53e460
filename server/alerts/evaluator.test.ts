import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listEvents, listStates } from '../db/alert-rows';
import { listAudit } from '../db/audit-log';
import type { ConsoleDb } from '../db/console-db';
import { listNotifications } from '../db/notification-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { manualClock } from '../metrics/clock';
import type { MetricKind } from '../metrics/metric-kinds';
import { createSampler, writeSamples } from '../metrics/sampler';
import { createSyntheticSource, simpleSnapshot } from '../metrics/synthetic-source';
import { createAlertEvaluator } from './evaluator';
import { createRule, deleteRule, setRuleEnabled, updateRule } from './rules-service';
import { createSilence } from './silences';

const T0 = Date.UTC(2026, 10, 25, 14, 0);
const BASE = 'http://console.test';

function feed(db: ConsoleDb, at: number, kind: MetricKind, labels: { group?: string; topic?: string; broker?: string }, value: number | null, cluster = 'DefaultCluster') {
  writeSamples(db, [{ series: { kind, cluster, ...labels }, value }], at);
}

/** Steps the clock by 10 s, feeds `value` for the series, evaluates; returns the transitions as "from>to". */
function stepper(db: () => ConsoleDb, clock: ReturnType<typeof manualClock>, evaluate: () => ReturnType<ReturnType<typeof createAlertEvaluator>['evaluateOnce']>) {
  return (kind: MetricKind, labels: { group?: string; topic?: string; broker?: string }, value: number | null) => {
    clock.advance(10_000);
    feed(db(), clock.now(), kind, labels, value);
    return evaluate().map((t) => `${t.from}>${t.to}`);
  };
}

test('group lag above N for T: pending, then firing after T, one notification per change, then resolved', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    const rule = createRule(t.db, { name: 'billing lag', forMs: 60_000, scope: { group: 'bill*' }, condition: { kind: 'group_lag_above', threshold: 100 } }, { actor: 'alice', now: T0 });
    const step = stepper(() => t.db, clock, () => ev.evaluateOnce());
    assert.deepEqual(step('group_lag', { group: 'billing' }, 50), []);
    assert.deepEqual(step('group_lag', { group: 'billing' }, 150), ['inactive>pending']);
    for (let i = 0; i < 5; i++) assert.deepEqual(step('group_lag', { group: 'billing' }, 150 + i), []);
    assert.deepEqual(step('group_lag', { group: 'billing' }, 160), ['pending>firing']);
    for (let i = 0; i < 10; i++) assert.deepEqual(step('group_lag', { group: 'billing' }, 500), [], 'firing is not re-notified');
    assert.deepEqual(step('group_lag', { group: 'other' }, 9999), [], 'out of scope');
    assert.deepEqual(step('group_lag', { group: 'billing' }, null), [], 'a gap neither fires nor resolves');
    assert.deepEqual(step('group_lag', { group: 'billing' }, 20), ['firing>resolved']);
    assert.deepEqual(step('group_lag', { group: 'billing' }, 20), []);

    const notes = listNotifications(t.db).reverse();
    assert.deepEqual(notes.map((n) => n.title), ['Firing: billing lag — group billing', 'Resolved: billing lag — group billing']);
    assert.equal(notes[0]!.body, 'lag 160 messages (threshold 100)');
    assert.equal(notes[0]!.link, `${BASE}/alerts/${rule.id}`);
    assert.deepEqual(listEvents(t.db, { ruleId: rule.id }).map((e) => e.toState).reverse(), ['pending', 'firing', 'resolved']);
    const [state] = listStates(t.db, rule.id);
    assert.equal(state?.state, 'resolved');
    assert.equal(listAudit(t.db)[0]?.action, 'alert.rule.create');
  } finally {
    t.cleanup();
  }
});

test('states survive closing and reopening the database: a pending alert fires on time after a restart', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    let ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    createRule(t.db, { name: 'no consumers', forMs: 30_000, condition: { kind: 'group_no_consumers' } }, { actor: 'a', now: T0 });
    const step = stepper(() => t.db, clock, () => ev.evaluateOnce());
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 0), ['inactive>pending']);
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 0), []);
    t.reopen();
    ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 0), []);
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 0), ['pending>firing'], 'fires 30 s after it went pending, not 30 s after the restart');
    t.reopen();
    ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 0), [], 'still firing after a restart, not notified again');
    assert.deepEqual(step('group_online_clients', { group: 'g' }, 2), ['firing>resolved']);
    assert.equal(listNotifications(t.db).length, 2);
  } finally {
    t.cleanup();
  }
});

test('a silenced alert changes state but notifies nothing; after the silence ends it notifies again', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    const rule = createRule(t.db, { name: 'disk', condition: { kind: 'broker_disk_above', percent: 90 } }, { actor: 'a', now: T0 });
    createSilence(t.db, { matcher: { ruleId: rule.id, broker: 'broker-*' }, endsAt: T0 + 60_000, comment: 'resizing' }, { actor: 'bob', now: T0 });
    const step = stepper(() => t.db, clock, () => ev.evaluateOnce());
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.95), ['inactive>firing']);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.5), ['firing>resolved']);
    assert.equal(listNotifications(t.db).length, 0);
    assert.deepEqual(listEvents(t.db).map((e) => e.silenced), [true, true]);
    clock.advance(60_000);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.97), ['resolved>firing']);
    assert.equal(listNotifications(t.db).length, 1);
    assert.throws(() => createSilence(t.db, { matcher: {}, endsAt: T0 + 10 * 60_000 }, { actor: 'a', now: clock.now() }), /must name a rule or a scope/);
    assert.throws(() => createSilence(t.db, { matcher: { ruleId: 1 }, endsAt: T0 }, { actor: 'a', now: clock.now() }), /endsAt: a silence must end in the future/);
  } finally {
    t.cleanup();
  }
});

test('an alert that fired under a silence is notified once the silence ends; one never notified resolves silently', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    const rule = createRule(t.db, { name: 'disk', condition: { kind: 'broker_disk_above', percent: 90 } }, { actor: 'a', now: T0 });
    createSilence(t.db, { matcher: { ruleId: rule.id }, endsAt: T0 + 25_000 }, { actor: 'bob', now: T0 });
    const step = stepper(() => t.db, clock, () => ev.evaluateOnce());
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.95), ['inactive>firing']);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.95), []);
    assert.equal(listNotifications(t.db).length, 0, 'silenced');
    // The silence ends while it still fires: receivers hear of it now, once.
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.96), ['firing>firing']);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.96), []);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-a' }, 0.5), ['firing>resolved']);
    assert.deepEqual(listNotifications(t.db).map((n) => n.title).reverse(), ['Firing: disk — broker broker-a', 'Resolved: disk — broker broker-a']);

    // broker-b fires under a silence that then ends: announced at the next evaluation.
    createSilence(t.db, { matcher: { ruleId: rule.id }, endsAt: clock.now() + 15_000 }, { actor: 'bob', now: clock.now() });
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-b' }, 0.99), ['inactive>firing']);
    clock.advance(10_000);
    const quiet = ev.evaluateOnce().filter((x) => x.instanceKey.includes('broker-b'));
    assert.equal(quiet.length, 1, 'the silence has ended: notified now');
    createSilence(t.db, { matcher: { ruleId: rule.id, broker: 'broker-c' }, endsAt: clock.now() + 100_000 }, { actor: 'bob', now: clock.now() });
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-c' }, 0.99), ['inactive>firing']);
    clock.advance(100_000);
    assert.deepEqual(step('broker_disk_ratio', { broker: 'broker-c' }, 0.1).filter((x) => x === 'firing>resolved'), ['firing>resolved']);
    // broker-c was never announced (silenced the whole time it fired): nothing for it either way.
    assert.equal(listNotifications(t.db).filter((n) => n.title.includes('broker-c')).length, 0);
  } finally {
    t.cleanup();
  }
});

test('broker unreachable, produce TPS below a bound and new DLQ messages each fire and resolve', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    createRule(t.db, { name: 'down', condition: { kind: 'broker_unreachable' } }, { actor: 'a', now: T0 });
    createRule(t.db, { name: 'quiet', scope: { topic: 'orders' }, condition: { kind: 'topic_produce_tps', op: 'below', bound: 1 } }, { actor: 'a', now: T0 });
    createRule(t.db, { name: 'dlq', condition: { kind: 'dlq_new_messages', windowMs: 60_000 } }, { actor: 'a', now: T0 });
    const at = () => clock.now();
    const tick = (up: number, tps: number, dlq: number) => {
      clock.advance(10_000);
      writeSamples(t.db, [
        { series: { kind: 'broker_up', cluster: 'c', broker: 'b' }, value: up },
        { series: { kind: 'topic_produce_tps', cluster: 'c', topic: 'orders' }, value: tps },
        { series: { kind: 'topic_produce_tps', cluster: 'c', topic: 'audit' }, value: 0 },
        { series: { kind: 'dlq_max_offset', cluster: 'c', group: 'g' }, value: dlq },
      ], at());
      return ev.evaluateOnce().map((x) => `${x.ruleName}:${x.to}`);
    };
    assert.deepEqual(tick(1, 5, 0), []);
    assert.deepEqual(tick(0, 0.5, 0), ['down:firing', 'quiet:firing']);
    assert.deepEqual(tick(1, 5, 1), ['down:resolved', 'quiet:resolved', 'dlq:firing']);
    for (let i = 0; i < 5; i++) assert.deepEqual(tick(1, 5, 1), []);
    assert.deepEqual(tick(1, 5, 1), ['dlq:resolved'], 'no new dead letters for a full window');
  } finally {
    t.cleanup();
  }
});

test('editing a scope resolves instances it no longer covers; disabling and deleting drop states quietly', () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    const a = { actor: 'a', now: T0 };
    const rule = createRule(t.db, { name: 'lag', condition: { kind: 'group_lag_above', threshold: 1 } }, a);
    const step = stepper(() => t.db, clock, () => ev.evaluateOnce());
    assert.deepEqual(step('group_lag', { group: 'g1' }, 5), ['inactive>firing']);
    updateRule(t.db, rule.id, { name: 'lag', scope: { group: 'other' }, condition: { kind: 'group_lag_above', threshold: 1 } }, a);
    const resolved = ev.evaluateOnce();
    assert.deepEqual(resolved.map((x) => [x.to, x.reason]), [['resolved', "no longer in the rule's scope"]]);
    assert.deepEqual(listStates(t.db, rule.id), []);
    updateRule(t.db, rule.id, { name: 'lag', condition: { kind: 'group_lag_above', threshold: 1 } }, a);
    assert.deepEqual(step('group_lag', { group: 'g1' }, 5), ['inactive>firing']);
    setRuleEnabled(t.db, rule.id, false, a);
    assert.deepEqual(listStates(t.db, rule.id), []);
    assert.equal(listEvents(t.db)[0]?.reason, 'rule disabled');
    assert.deepEqual(step('group_lag', { group: 'g1' }, 5), [], 'a disabled rule is not evaluated');
    deleteRule(t.db, rule.id, a);
    assert.deepEqual(listAudit(t.db).map((e) => e.action).slice(0, 2), ['alert.rule.delete', 'alert.rule.update']);
    assert.throws(() => deleteRule(t.db, rule.id, a), /does not exist/);
  } finally {
    t.cleanup();
  }
});

test('consumer stalled (Burrow): a consumer that keeps committing one offset while lag grows fires with the reason in words', async () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const src = createSyntheticSource();
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: BASE });
    const fired: string[] = [];
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], clock, afterTick: () => fired.push(...ev.evaluateOnce().map((x) => `${x.to}@${(x.at - T0) / 60_000}`)) });
    createRule(t.db, { name: 'stalled', forMs: 60_000, condition: { kind: 'consumer_unhealthy', statuses: ['STALL', 'STOP'] } }, { actor: 'a', now: T0 });
    // 5 healthy minutes, then the offset freezes at 300 while the head keeps growing, then it catches up at minute 20.
    for (let i = 0; i < 6 * 25; i++) {
      const committed = i < 30 ? i * 10 : i < 120 ? 300 : i * 10 + 5;
      src.set(simpleSnapshot({ committed: [committed], head: [i * 10 + 5] }));
      await sampler.sampleOnce();
      clock.advance(10_000);
    }
    assert.deepEqual(fired.map((f) => f.split('@')[0]), ['pending', 'firing', 'resolved']);
    const [, firing, resolved] = fired.map((f) => Number(f.split('@')[1]));
    assert.ok(firing! > 10 && firing! < 16, `fired at minute ${firing}`);
    assert.equal(resolved, 20);
    const note = listNotifications(t.db).at(-1)!;
    assert.match(note.body, /^STALL: orders@broker-a#0: committed offset has not moved for \d+ min while lag is [\d,]+$/);
  } finally {
    t.cleanup();
  }
});
