import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listEvents } from '../db/alert-rows';
import { listNotifications } from '../db/notification-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { writeSamples } from '../metrics/sampler';
import { summarize, tryRule } from './try-rule';

const T0 = Date.UTC(2026, 10, 25, 14, 0);
const MIN = 60_000;

test('trying a rule against stored history lists would-have transitions and says them in words, writing nothing', () => {
  const t = openTempConsoleDb();
  try {
    // Lag for billing: above 100 from 14:01 to 14:08:50, then caught up; for audit: never above.
    for (let at = T0; at < T0 + 15 * MIN; at += 10_000) {
      const high = at >= T0 + MIN && at < T0 + 9 * MIN;
      writeSamples(t.db, [
        { series: { kind: 'group_lag', cluster: 'DefaultCluster', group: 'billing' }, value: high ? 500 : 3 },
        { series: { kind: 'group_lag', cluster: 'DefaultCluster', group: 'audit' }, value: 7 },
      ], at);
    }
    const rule = { name: 'lag', forMs: MIN, condition: { kind: 'group_lag_above', threshold: 100 } };
    const r = tryRule(t.db, rule, { from: T0, to: T0 + 15 * MIN, now: T0 + 15 * MIN });
    assert.equal(r.instances, 2);
    assert.equal(r.stepMs, 10_000);
    assert.deepEqual(r.transitions.map((x) => [x.labels.group, x.to, new Date(x.at).toISOString().slice(11, 19)]), [
      ['billing', 'pending', '14:01:00'],
      ['billing', 'firing', '14:02:00'],
      ['billing', 'resolved', '14:09:00'],
    ]);
    assert.deepEqual(r.summary, ['group=billing: would have fired at 14:02, resolved 14:09']);
    assert.equal(listEvents(t.db).length, 0);
    assert.equal(listNotifications(t.db).length, 0);

    const narrow = tryRule(t.db, { ...rule, scope: { group: 'aud*' } }, { from: T0, to: T0 + 15 * MIN, now: T0 + 15 * MIN });
    assert.deepEqual([narrow.instances, narrow.transitions.length], [1, 0]);
    assert.throws(() => tryRule(t.db, { ...rule, forMs: -5 }, { from: T0, to: T0 + MIN, now: T0 + MIN }), /"for" must be at least 0/);
    assert.throws(() => tryRule(t.db, rule, { from: T0 - 2 * 86_400_000, to: T0, now: T0 }), /goes back 1 day/);
    const wide = tryRule(t.db, rule, { from: T0 - 20 * 60 * MIN, to: T0 + 15 * MIN, now: T0 + 15 * MIN });
    assert.ok(wide.stepMs > 10_000 && (20 * 60 + 15) * MIN / wide.stepMs <= 2_000, `step ${wide.stepMs}`);
  } finally {
    t.cleanup();
  }
});

test('summarize: several firings per instance, one still firing at the end', () => {
  const tr = (to: 'pending' | 'firing' | 'resolved', hhmm: string) => ({
    instanceKey: 'cluster=c,broker=b',
    labels: { cluster: 'c', broker: 'b' },
    from: 'inactive' as const,
    to,
    at: Date.parse(`2026-11-25T${hhmm}:00Z`),
    value: null,
    reason: '',
  });
  assert.deepEqual(summarize([tr('firing', '14:02'), tr('resolved', '14:09'), tr('pending', '15:00'), tr('firing', '15:30')]), [
    'broker=b: would have fired at 14:02, resolved 14:09; fired at 15:30 (still firing at the end)',
  ]);
  assert.deepEqual(summarize([tr('pending', '14:00')]), []);
});
