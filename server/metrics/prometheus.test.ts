import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CollectedSnapshot } from './admin-metrics-source';
import { renderPrometheus } from './prometheus';

test('exporter names from the last snapshot; unknown values are left out, not 0', async () => {
  const last: CollectedSnapshot = {
    at: 1_000,
    snapshot: {
      cluster: 'embedded',
      brokers: [{ broker: 'broker-a', tpsIn: 12.5, tpsOut: 3, diskRatio: 0.25, putLatencyMs: null }],
      missingBrokers: [{ broker: 'broker-b', reason: 'timeout' }],
      topics: [
        { topic: 'orders', complete: true, produceTps: 7 },
        { topic: 'partial', complete: false, produceTps: 1 },
      ],
      groups: [{ group: 'billing', complete: true, consumeTps: 2, onlineClients: 1, lag: 5, lagMs: null, queues: [], dlqMaxOffset: 0 }],
    },
    groupTopics: [
      { group: 'billing', topic: 'orders', lag: 5, onlineClients: 1, messageModel: 'CLUSTERING' },
      { group: 'billing', topic: '%RETRY%billing', lag: null, onlineClients: 1, messageModel: 'CLUSTERING' },
    ],
  };
  const text = await renderPrometheus({ clusters: () => ['embedded'], latest: () => last }, 3_000);
  assert.match(text, /^rocketmq_group_diff\{cluster="embedded",group="billing",topic="orders",countOfOnlineConsumers="1",msgModel="CLUSTERING"\} 5$/m);
  assert.doesNotMatch(text, /RETRY/);
  assert.match(text, /^rocketmq_producer_tps\{cluster="embedded",topic="orders"\} 7$/m);
  assert.doesNotMatch(text, /topic="partial"/);
  assert.match(text, /^rocketmq_consumer_tps\{cluster="embedded",group="billing"\} 2$/m);
  assert.match(text, /^rocketmq_brokeruntime_commitlog_disk_ratio\{cluster="embedded",broker="broker-a"\} 0.25$/m);
  assert.match(text, /^rocketmq_broker_tps\{cluster="embedded",broker="broker-a"\} 12.5$/m);
  assert.match(text, /^rocketmq_broker_up\{cluster="embedded",broker="broker-b"\} 0$/m);
  assert.doesNotMatch(text, /^rocketmq_brokeruntime_put_latency_99\{/m);
  assert.doesNotMatch(text, /^rocketmq_group_get_latency_by_storetime\{/m);
  assert.match(text, /^rocketdeck_metrics_snapshot_age_seconds\{cluster="embedded"\} 2$/m);
  assert.match(text, /# TYPE rocketmq_group_diff gauge/);
});
