import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TRPCError } from '@trpc/server';
import { AdminRegistry } from '../../admin/admin-registry';
import { openTempConsoleDb, type TempConsoleDb } from '../../db/temp-console-db';
import { createSampler } from '../../metrics/sampler';
import { createSyntheticSource, simpleSnapshot } from '../../metrics/synthetic-source';
import { appRouter } from '../root';

let tmp: TempConsoleDb;
let caller: ReturnType<typeof appRouter.createCaller>;

before(async () => {
  tmp = openTempConsoleDb('rd-metrics-router-');
  // The metrics router reads the console database; the registry only says which clusters are configured.
  const admins = new AdminRegistry(() => assert.fail('no cluster is reached'), ['127.0.0.1:9876']);
  caller = appRouter.createCaller({ engine: undefined as never, admins, db: tmp.db, actor: 'tester' });
  // 25 minutes of samples of the co-hosted cluster, ending now: the first hour of history.
  const source = createSyntheticSource();
  let now = Date.now() - 25 * 60_000;
  const sampler = createSampler(tmp.db, source, { clusters: ['embedded'], clock: { now: () => now } });
  for (let i = 0; i < 150; i++) {
    source.set(simpleSnapshot({ cluster: 'embedded', committed: [100], head: [100 + i], tps: 5 }));
    await sampler.sampleOnce();
    now += 10_000;
  }
});

after(() => tmp.cleanup());

test('a cluster the console does not have is refused as not configured, as other pages say, not "no samples"', async () => {
  const notConfigured = (e: unknown) => {
    assert.ok(e instanceof TRPCError, String(e));
    assert.equal(e.code, 'NOT_FOUND');
    assert.equal(e.message, 'cluster nope is not configured');
    return true;
  };
  await assert.rejects(caller.metrics.clusterTps({ cluster: 'nope', range: '1h' }), notConfigured);
  await assert.rejects(caller.metrics.topLag({ cluster: 'nope' }), notConfigured);
  await assert.rejects(caller.metrics.groupLag({ cluster: 'nope', group: 'billing', range: '1h' }), notConfigured);
  await assert.rejects(caller.metrics.groupHealth({ cluster: 'nope', group: 'billing' }), notConfigured);
  await assert.rejects(caller.metrics.series({ cluster: 'nope', kind: 'group_lag', group: 'billing', range: '1h' }), notConfigured);
  assert.ok((await caller.metrics.clusterTps({ range: '1h' })).points.some((p) => p.tpsIn !== null), 'the co-hosted cluster has samples');
});

test('7d, 30d and 90d charts show the first 25 minutes of history, lag and time behind on the same buckets', async () => {
  for (const range of ['7d', '30d', '90d'] as const) {
    const lag = await caller.metrics.groupLag({ group: 'billing', range });
    const known = lag.points.filter((p) => p.lag !== null);
    assert.ok(known.length >= 2, `${range}: ${known.length} lag points`);
    assert.ok(known.every((p) => p.lagMs !== null), `${range}: time behind on the lag's buckets`);
    assert.ok(Date.now() - lag.from <= 30 * 60_000, `${range} starts where history starts`);
    const tps = await caller.metrics.clusterTps({ range });
    assert.ok(tps.points.filter((p) => p.tpsIn !== null && p.tpsOut !== null).length >= 2, `${range}: TPS points`);
  }
});
