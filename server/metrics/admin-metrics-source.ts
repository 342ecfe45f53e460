/**
 * MetricsSource over the admin client (ClusterAdmin), for the co-hosted engine and any cluster added in Settings.
 *
 * Per collect(cluster):
 * - brokers from clusterOverview(): reachable masters with their TPS in/out and disk ratio; unreachable ones (or a
 *   master reporting no TPS) go to missingBrokers, so the sampler writes gaps and broker_up 0.
 * - topics from listTopics() + their queue stats (normal topics and DLQ topics): produce TPS = Σ Δ maxOffset / Δt
 *   between this collect and the previous one of the same queue; a topic seen for the first time has no TPS yet
 *   (skipped). Queue stats come from the admin's batch read topicsQueueStats() when it has one (one broker lookup
 *   for the batch, GET_TOPIC_STATS_INFO per topic), else from topicDetail() per topic.
 * - groups (application groups only: the admin leaves RocketMQ's built-in ones out) from the admin's batch read
 *   listGroupDetails() when it has one (one group listing for all groups), else listGroups() + groupDetail() each:
 *   lag per queue, onlineClients, consumeTps; lagMs = now − store time of the first unconsumed message (see
 *   ageOfFirstUnconsumed and dateFirstUnconsumed); dlqMaxOffset from %DLQ%<group>.
 *
 * Cost: the broker shares the console's thread, so every admin request is CPU it takes from sends. The batch reads
 * exist because the per-item ones each carried a whole-cluster listing (every topic's or group's config as JSON,
 * encoded by the broker and parsed here): with 1,000 topics and 200 groups that was ~2 s of CPU per collect.
 *
 * The adapter also keeps the last snapshot per cluster (with each group's message model and lag per topic) for the
 * Prometheus endpoint, so a scrape costs no admin traffic.
 */
import { AdminError, BROADCASTING, type ClusterAdmin, type GroupDetail, type QueuePosition, type QueueStat, type TopicSummary } from '../admin/admin-types';
import type { BrokerSnapshot, GroupSnapshot, MetricsSnapshot, MetricsSource, MissingBroker, QueueSnapshot, TopicSnapshot } from './metrics-source';

/** Topics and groups read per collect: beyond this a cluster needs a sampler of its own, not a console tick. */
export const TOPICS_PER_COLLECT_MAX = 1_000;
export const GROUPS_PER_COLLECT_MAX = 1_000;
/**
 * Topic details read per collect. Each costs the broker a full topic-config listing, so on a cluster with more
 * topics they are read round-robin and a topic's TPS (averaged since its previous read) is repeated until its turn.
 */
export const TOPIC_DETAILS_PER_COLLECT_DEFAULT = 40;
/**
 * Batch reads an admin client may offer the sampler (RemotingClusterAdmin does). Without them the source falls back
 * to topicDetail() per topic and listGroups() + groupDetail() per group, which any ClusterAdmin has.
 */
export interface SamplerReads {
  topicsQueueStats?(topics: ReadonlyArray<Pick<TopicSummary, 'topic' | 'brokerNames'>>): Promise<Array<Settled<QueueStat[]>>>;
  listGroupDetails?(max?: number): Promise<Array<{ group: string; detail: Settled<GroupDetail> }>>;
}

export type SamplerAdmin = ClusterAdmin & SamplerReads;

/** Admin requests in flight per collect (topic details, group details). */
const COLLECT_CONCURRENCY = 4;
/** Max-offset change points remembered per queue, for dating the first unconsumed message. */
const OFFSET_MARKS_PER_QUEUE_MAX = 64;
/**
 * First unconsumed messages read per collect to date them exactly (one one-message pull each). A date is kept while
 * the group's offset on the queue stays put, so only queues whose offset moved are read again; past the bound a
 * queue is dated from offset marks this collect, or is unknown, and gets its turn on a later one.
 */
export const DATINGS_PER_COLLECT_MAX = 64;

export interface GroupTopicLag {
  group: string;
  topic: string;
  /** Messages behind on this topic; null when a queue's lag is unknown. */
  lag: number | null;
  onlineClients: number;
  /** CLUSTERING / BROADCASTING as last reported by the group's clients; null when never seen online. */
  messageModel: string | null;
}

export interface CollectedSnapshot {
  at: number;
  snapshot: MetricsSnapshot;
  groupTopics: GroupTopicLag[];
}

export interface AdminMetricsSourceOptions {
  now?: () => number;
  topicDetailsPerCollect?: number;
}

/** One remembered change of a queue's max offset: `maxOffset` was reached by `at`, its newest message stored at `storeTime`. */
interface OffsetMark {
  maxOffset: number;
  storeTime: number | null;
}

interface ClusterState {
  /** Previous max offset per queue (key topic@broker#queueId) and when it was read. */
  prevMax: Map<string, { maxOffset: number; at: number }>;
  /** Max-offset change points per queue, oldest first. */
  marks: Map<string, OffsetMark[]>;
  /** Last message model a group's clients reported (kept while they are offline). */
  models: Map<string, string>;
  /** Round-robin position in the topic list, and what the last read of each topic found. */
  topicCursor: number;
  lastTps: Map<string, number>;
  lastDlq: Map<string, number>;
  /** Queue stats of each topic's last read, by queue key; and the queue keys of each topic in it. */
  lastStats: Map<string, QueueStat & { topic: string }>;
  statKeys: Map<string, string[]>;
  /** Store time of each lagging group queue's first unconsumed message, read at `offset` (key group + queue key). */
  dated: Map<string, { offset: number; storeTime: number }>;
}

const queueKey = (topic: string, broker: string, queueId: number) => `${topic}@${broker}#${queueId}`;
const groupQueueKey = (group: string, topic: string, broker: string, queueId: number) => `${group}\u0000${queueKey(topic, broker, queueId)}`;

export class AdminMetricsSource implements MetricsSource {
  private readonly states = new Map<string, ClusterState>();
  private readonly last = new Map<string, CollectedSnapshot>();
  private readonly now: () => number;
  private readonly topicDetailsPerCollect: number;

  constructor(
    private readonly adminOf: (cluster: string) => SamplerAdmin,
    opts: AdminMetricsSourceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.topicDetailsPerCollect = Math.max(1, opts.topicDetailsPerCollect ?? TOPIC_DETAILS_PER_COLLECT_DEFAULT);
  }

  /** The last successful collect of a cluster, or undefined before the first one. */
  latest(cluster: string): CollectedSnapshot | undefined {
    return this.last.get(cluster);
  }

  /** Clusters with a collected snapshot. */
  clusters(): string[] {
    return [...this.last.keys()];
  }

  /** Drops what is remembered about a cluster (when it is removed from the console). */
  forget(cluster: string): void {
    this.states.delete(cluster);
    this.last.delete(cluster);
  }

  async collect(cluster: string): Promise<MetricsSnapshot> {
    try {
      return await this.collectOnce(cluster);
    } catch (err) {
      // An unreachable cluster has no current numbers: /metrics must not keep serving the old ones.
      this.last.delete(cluster);
      throw err;
    }
  }

  private async collectOnce(cluster: string): Promise<MetricsSnapshot> {
    const admin = this.adminOf(cluster);
    let state = this.states.get(cluster);
    if (!state) this.states.set(cluster, (state = { prevMax: new Map(), marks: new Map(), models: new Map(), topicCursor: 0, lastTps: new Map(), lastDlq: new Map(), lastStats: new Map(), statKeys: new Map(), dated: new Map() }));

    const overview = await admin.clusterOverview();
    if (overview.brokers.length === 0) {
      const why = overview.nameServers.find((n) => n.error)?.error ?? 'no broker registered';
      throw new Error(`cluster ${cluster}: no name server answered with brokers (${why})`);
    }
    const brokers: BrokerSnapshot[] = [];
    const missingBrokers: MissingBroker[] = [];
    for (const b of overview.brokers) {
      if (b.brokerId !== 0) continue;
      if (!b.reachable) missingBrokers.push({ broker: b.brokerName, reason: b.error ?? 'no answer' });
      else if (b.tpsIn === null || b.tpsOut === null || b.diskUsedRatio === null) missingBrokers.push({ broker: b.brokerName, reason: 'runtime info without TPS or disk ratio' });
      else brokers.push({ broker: b.brokerName, tpsIn: b.tpsIn, tpsOut: b.tpsOut, diskRatio: b.diskUsedRatio, putLatencyMs: putLatency(b.runtime) });
    }
    const missing = new Set(missingBrokers.map((m) => m.broker));

    // One after the other, not side by side: the requests in flight stay bounded by COLLECT_CONCURRENCY.
    const topicList = await admin.listTopics();
    const watched = topicList.filter((t) => t.kind === 'normal' || t.kind === 'dlq').slice(0, TOPICS_PER_COLLECT_MAX);
    const turn = this.topicTurn(state, watched.length);
    const batch = turn.map((i) => watched[i]!);
    const details = await readQueueStats(admin, batch);
    const readAt = this.now();

    const read: Array<QueueStat & { topic: string }> = [];
    batch.forEach((t, i) => {
      const d = details[i];
      if (!d?.ok) return;
      for (const k of state.statKeys.get(t.topic) ?? []) state.lastStats.delete(k);
      const keys: string[] = [];
      for (const q of d.value) {
        const stat = { ...q, topic: t.topic };
        const key = queueKey(t.topic, q.brokerName, q.queueId);
        read.push(stat);
        keys.push(key);
        state.lastStats.set(key, stat);
      }
      state.statKeys.set(t.topic, keys);
      if (t.kind === 'dlq') state.lastDlq.set(t.topic, d.value.reduce((n, q) => n + q.maxOffset, 0));
      else {
        const tps = this.produceTps(state, t, d.value, readAt);
        if (tps !== null) state.lastTps.set(t.topic, tps);
      }
    });
    this.rememberMarks(state, read);
    const topics: TopicSnapshot[] = [];
    for (const t of watched) {
      const tps = t.kind === 'normal' ? state.lastTps.get(t.topic) : undefined;
      if (tps !== undefined) topics.push({ topic: t.topic, complete: t.brokerNames.every((b) => !missing.has(b)), produceTps: tps });
    }
    const stats = state.lastStats;
    const dlqMax = state.lastDlq;
    const dlqUnknown = new Set(watched.filter((t) => t.kind === 'dlq' && !state.lastDlq.has(t.topic)).map((t) => t.topic));

    const groupReads = await readGroups(admin);
    const groupDetails = groupReads.flatMap((g) => (g.detail.ok ? [g.detail.value] : []));
    await dateFirstUnconsumed(admin, state, groupDetails, missing);
    const at = this.now();
    const groups: GroupSnapshot[] = [];
    const groupTopics: GroupTopicLag[] = [];
    for (const d of groupDetails) {
      if (d.messageModel) state.models.set(d.group, d.messageModel);
      // The model last reported: a broadcasting group whose clients are all gone stays broadcast.
      const model = state.models.get(d.group) ?? null;
      const snap = { ...this.groupSnapshot(state, d, stats, missing, at), ...(model === BROADCASTING ? { broadcast: true, queues: [], lag: 0, lagMs: null } : {}) };
      const dlq = dlqMax.get(d.dlqTopic);
      // No DLQ topic: nothing dead-lettered yet (0). A DLQ topic not read yet: unknown.
      groups.push(dlq === undefined && dlqUnknown.has(d.dlqTopic) ? snap : { ...snap, dlqMaxOffset: dlq ?? 0 });
      if (model !== BROADCASTING) groupTopics.push(...perTopicLag(d, model));
    }

    // Forget topics, queues and groups that are gone, so the state stays as big as the cluster.
    const present = new Set(watched.map((t) => t.topic));
    const gone = (key: string) => !present.has(key.slice(0, key.indexOf('@')));
    for (const m of [state.prevMax, state.marks, state.lastStats]) for (const k of m.keys()) if (gone(k)) m.delete(k);
    for (const m of [state.lastTps, state.lastDlq, state.statKeys]) for (const k of m.keys()) if (!present.has(k)) m.delete(k);
    const seenGroups = new Set(groupReads.map((g) => g.group));
    for (const g of state.models.keys()) if (!seenGroups.has(g)) state.models.delete(g);

    const snapshot: MetricsSnapshot = { cluster, brokers, missingBrokers, topics, groups };
    this.last.set(cluster, { at, snapshot, groupTopics });
    return snapshot;
  }

  /** Indexes of the topics to read this collect: all of them, or the next slice round-robin. */
  private topicTurn(state: ClusterState, count: number): number[] {
    if (count <= this.topicDetailsPerCollect) return Array.from({ length: count }, (_, i) => i);
    const start = state.topicCursor % count;
    state.topicCursor = (start + this.topicDetailsPerCollect) % count;
    return Array.from({ length: this.topicDetailsPerCollect }, (_, i) => (start + i) % count);
  }

  private produceTps(state: ClusterState, t: TopicSummary, queueStats: readonly QueueStat[], at: number): number | null {
    let messages = 0;
    let seconds: number | null = null;
    for (const q of queueStats) {
      const key = queueKey(t.topic, q.brokerName, q.queueId);
      const prev = state.prevMax.get(key);
      state.prevMax.set(key, { maxOffset: q.maxOffset, at });
      if (!prev || at <= prev.at) return finishFirst(state, t, queueStats, at);
      // A max offset going back means the queue was recreated: count from its new start.
      messages += q.maxOffset >= prev.maxOffset ? q.maxOffset - prev.maxOffset : q.maxOffset;
      seconds = Math.max(seconds ?? 0, (at - prev.at) / 1000);
    }
    if (seconds === null) return queueStats.length === 0 ? 0 : null;
    return messages / seconds;
  }

  private rememberMarks(state: ClusterState, stats: Iterable<QueueStat & { topic: string }>): void {
    for (const q of stats) {
      const key = queueKey(q.topic, q.brokerName, q.queueId);
      let marks = state.marks.get(key);
      if (!marks) state.marks.set(key, (marks = []));
      const lastMark = marks.at(-1);
      if (lastMark && lastMark.maxOffset === q.maxOffset) continue;
      if (lastMark && q.maxOffset < lastMark.maxOffset) marks.length = 0;
      marks.push({ maxOffset: q.maxOffset, storeTime: q.lastUpdateTimestamp });
      if (marks.length > OFFSET_MARKS_PER_QUEUE_MAX) marks.splice(0, marks.length - OFFSET_MARKS_PER_QUEUE_MAX);
    }
  }

  private groupSnapshot(state: ClusterState, d: GroupDetail, stats: Map<string, QueueStat & { topic: string }>, missing: Set<string>, at: number): GroupSnapshot {
    const queues: QueueSnapshot[] = [];
    let complete = d.totalLag !== null && d.consumeTps !== null;
    let lag = 0;
    let lagMs: number | null = 0;
    for (const q of d.queues) {
      if (missing.has(q.brokerName)) complete = false;
      if (q.consumerOffset === null || q.lag === null) {
        // No commit yet: an empty queue is not behind; one with messages is behind by an unknown amount.
        if (q.brokerOffset > 0) lagMs = null;
        continue;
      }
      const key = queueKey(q.topic, q.brokerName, q.queueId);
      const dated = state.dated.get(groupQueueKey(d.group, q.topic, q.brokerName, q.queueId));
      const storeTime = dated?.offset === q.consumerOffset ? dated.storeTime : null;
      const queueLagMs = q.lag === 0 ? 0 : ageOfFirstUnconsumed({ committedOffset: q.consumerOffset, lag: q.lag, storeTime }, stats.get(key), state.marks.get(key), at);
      lag += q.lag;
      if (lagMs !== null) lagMs = queueLagMs === null ? null : Math.max(lagMs, queueLagMs);
      queues.push({
        topic: q.topic,
        broker: q.brokerName,
        queueId: q.queueId,
        brokerOffset: q.brokerOffset,
        committedOffset: q.consumerOffset,
        lag: q.lag,
        ...(queueLagMs === null ? {} : { lagMs: queueLagMs }),
      });
    }
    return { group: d.group, complete, consumeTps: d.consumeTps ?? 0, onlineClients: d.onlineClients, lag, lagMs, queues };
  }
}

/** The first collect of a topic only records offsets. */
function finishFirst(state: ClusterState, t: TopicSummary, queueStats: readonly QueueStat[], at: number): null {
  for (const q of queueStats) state.prevMax.set(queueKey(t.topic, q.brokerName, q.queueId), { maxOffset: q.maxOffset, at });
  return null;
}

/** Queue stats of a batch of topics: the admin's batch read, or topicDetail() per topic. */
function readQueueStats(admin: SamplerAdmin, batch: readonly TopicSummary[]): Promise<Array<Settled<QueueStat[]>>> {
  if (admin.topicsQueueStats) return admin.topicsQueueStats(batch);
  return mapSettled(batch, COLLECT_CONCURRENCY, async (t) => (await admin.topicDetail(t.topic)).queueStats);
}

/** Application groups with their detail: the admin's batch read, or listGroups() + groupDetail() per group. */
async function readGroups(admin: SamplerAdmin): Promise<Array<{ group: string; detail: Settled<GroupDetail> }>> {
  if (admin.listGroupDetails) return admin.listGroupDetails(GROUPS_PER_COLLECT_MAX);
  const names = (await admin.listGroups()).slice(0, GROUPS_PER_COLLECT_MAX).map((g) => g.group);
  const details = await mapSettled(names, COLLECT_CONCURRENCY, (g) => admin.groupDetail(g));
  return names.map((group, i) => ({ group, detail: details[i]! }));
}

/**
 * Reads the first unconsumed message of lagging group queues (at the committed offset) for its store time, when the
 * admin client can (messageStoreTimes) and no date read at the same offset is remembered. At most
 * DATINGS_PER_COLLECT_MAX reads per collect. Keeps only dates that still describe a lagging queue's offset, so the
 * map stays as big as the backlog. A read that fails leaves the queue to the offset marks (or unknown).
 */
async function dateFirstUnconsumed(admin: ClusterAdmin, state: ClusterState, details: readonly GroupDetail[], missing: Set<string>): Promise<void> {
  const kept = new Map<string, { offset: number; storeTime: number }>();
  const wanted: Array<{ key: string; position: QueuePosition }> = [];
  for (const d of details) {
    for (const q of d.queues) {
      if (q.consumerOffset === null || !q.lag || missing.has(q.brokerName)) continue;
      const key = groupQueueKey(d.group, q.topic, q.brokerName, q.queueId);
      const known = state.dated.get(key);
      if (known?.offset === q.consumerOffset) kept.set(key, known);
      else wanted.push({ key, position: { topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, offset: q.consumerOffset } });
    }
  }
  state.dated = kept;
  const batch = wanted.slice(0, DATINGS_PER_COLLECT_MAX);
  if (batch.length === 0 || !admin.messageStoreTimes) return;
  let times: Array<number | null>;
  try {
    times = await admin.messageStoreTimes(batch.map((w) => w.position));
  } catch (err) {
    // Unreachable brokers leave these queues undated this round (unknown), not the whole collect failed.
    if (err instanceof AdminError) return;
    throw err;
  }
  batch.forEach((w, i) => {
    const storeTime = times[i];
    if (typeof storeTime === 'number' && storeTime > 0) kept.set(w.key, { offset: w.position.offset, storeTime });
  });
}

/**
 * Age of the first unconsumed message of a queue (the one at the committed offset), or null when it cannot be dated.
 * Dated, most exact first:
 * - `storeTime`: that message's own store time, read from the broker (dateFirstUnconsumed);
 * - one message behind: it is the newest message, whose store time the topic stats carry;
 * - the oldest remembered max-offset change that already included it (collect-to-collect marks) dates it to within
 *   one sampling interval, never older than it is — provided an earlier mark shows it did not exist yet.
 * Nothing else dates it. In particular not the last consumed message's store time (ConsumeStats' lastTimestamp):
 * after an offset reset or skip that message can be far older than the first unconsumed one, and a sampler started
 * after the messages were stored (no earlier mark) would report that age. Unknown is the honest answer then.
 */
export function ageOfFirstUnconsumed(
  queue: { committedOffset: number; lag: number; storeTime?: number | null },
  stat: QueueStat | undefined,
  marks: readonly OffsetMark[] | undefined,
  now: number,
): number | null {
  const { committedOffset, lag } = queue;
  if (lag <= 0) return 0;
  let storeTime: number | null = queue.storeTime ?? null;
  // The stat may be from an earlier collect: only when its newest message is this one.
  if (storeTime === null && lag === 1 && stat?.lastUpdateTimestamp && stat.maxOffset === committedOffset + 1) storeTime = stat.lastUpdateTimestamp;
  if (storeTime === null && marks) {
    const i = marks.findIndex((m) => m.maxOffset > committedOffset);
    if (i > 0 && marks[i - 1]!.maxOffset <= committedOffset) storeTime = marks[i]!.storeTime;
  }
  return storeTime === null ? null : Math.max(0, now - storeTime);
}

/** RocketMQ's put latency p99 when the broker reports it (Apache brokers: putLatency99 in newer versions). */
/** Upper bound, ms, of each putMessageDistributeTime bucket, in RocketMQ's order ("[10s~]" counted as 10 s). */
const PUT_DISTRIBUTION_BOUNDS_MS = [0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000, 10000];

/**
 * Put latency: the broker's putLatency99 when it reports one (RocketMQ 5 with metrics), else the upper
 * bound of the slowest non-empty bucket of this minute's putMessageDistributeTime ("[<=0ms]:3 [0~10ms]:1 …").
 */
export function putLatency(runtime: Record<string, string>): number | null {
  const v = runtime.putLatency99 ?? runtime.putMessageLatency99;
  if (v !== undefined) {
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : null;
  }
  const counts = runtime.putMessageDistributeTime?.trim().split(/\s+/).map((bucket) => Number(bucket.split(':')[1]));
  if (!counts || counts.length !== PUT_DISTRIBUTION_BOUNDS_MS.length || counts.some((c) => !Number.isFinite(c))) return null;
  for (let i = counts.length - 1; i >= 0; i--) if ((counts[i] as number) > 0) return PUT_DISTRIBUTION_BOUNDS_MS[i] as number;
  return null;
}

function perTopicLag(d: GroupDetail, messageModel: string | null): GroupTopicLag[] {
  const byTopic = new Map<string, number | null>();
  for (const q of d.queues) {
    const prev = byTopic.has(q.topic) ? byTopic.get(q.topic)! : 0;
    byTopic.set(q.topic, prev === null || q.lag === null ? null : prev + q.lag);
  }
  return [...byTopic].map(([topic, lag]) => ({ group: d.group, topic, lag, onlineClients: d.onlineClients, messageModel }));
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function mapSettled<A, B>(items: readonly A[], limit: number, fn: (a: A) => Promise<B>): Promise<Settled<B>[]> {
  const out: Settled<B>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i]!) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
