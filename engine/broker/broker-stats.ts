/**
 * BrokerStats: counters the broker keeps for runtime info and the console (messages and bytes in/out,
 * per topic and per group), plus per-second rates over sliding windows (RocketMQ's StoreStatsService
 * reports 10 s, 60 s and 600 s; per topic and per group we keep the 10 s one), and RocketMQ's
 * StatsItem snapshots behind VIEW_BROKER_STATS_DATA (last minute, hour and day per topic and group).
 */
export interface Rates {
  putTps: number;
  getTps: number;
  /** Pull requests that found messages / found none / both, per second. */
  getFoundTps: number;
  getMissTps: number;
  getTotalTps: number;
}

/** RocketMQ's StatsSnapshot: the increase over a window, per second, and per increment. */
export interface StatsSnapshot {
  sum: number;
  tps: number;
  avgpt: number;
}

/** BrokerStatsData (VIEW_BROKER_STATS_DATA's body). */
export interface BrokerStatsData {
  statsMinute: StatsSnapshot;
  statsHour: StatsSnapshot;
  statsDay: StatsSnapshot;
}

/** The stat items VIEW_BROKER_STATS_DATA answers, RocketMQ's names (BrokerStatsManager). */
export const STATS_NAMES = ['TOPIC_PUT_NUMS', 'TOPIC_PUT_SIZE', 'GROUP_GET_NUMS', 'GROUP_GET_SIZE', 'BROKER_PUT_NUMS', 'BROKER_GET_NUMS'] as const;
export type StatsName = (typeof STATS_NAMES)[number];

/**
 * Snapshot rings, as RocketMQ's StatsItem samples them: every 10 s keeping 7 (the last minute),
 * every 10 min keeping 7 (the last hour), every hour keeping 25 (the last day). All keys are sampled
 * at the same moments, so the times are kept once; each key keeps [messages, bytes, times] per slot.
 */
const RINGS = [
  { everyS: 10, slots: 7, first: 0 },
  { everyS: 600, slots: 7, first: 7 },
  { everyS: 3600, slots: 25, first: 14 },
] as const;
const SLOTS = 39;
const SLOT_FIELDS = 3;

/** put request latency buckets, RocketMQ's PUT_MESSAGE_ENTIRE_TIME_MAX_DESC (upper bounds, ms, exclusive). */
const PUT_LATENCY_BOUNDS_MS = [1, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000];
const PUT_LATENCY_LABELS = ['[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]'];

/** Broker-wide samples kept, one a second: enough for the 600 s rate. */
const BROKER_WINDOW_S = 600;
/** Per-topic / per-group rate window, s. */
const KEY_WINDOW_S = 10;
/** Topic and group keys tracked for rates; beyond this new keys are counted broker-wide only. */
export const statsKeysMax = 20_000;

interface KeyCounter {
  messages: number;
  bytes: number;
  /** Increments (put or pull requests). */
  times: number;
  lastAt: number;
  /** Message count at each of the last ticks, oldest first. */
  window: number[];
  /** [messages, bytes, times] per snapshot slot (see RINGS). */
  snapshots: Float64Array;
}

function newCounter(now: number): KeyCounter {
  return { messages: 0, bytes: 0, times: 0, lastAt: now, window: [], snapshots: new Float64Array(SLOTS * SLOT_FIELDS) };
}

export class BrokerStats {
  putMessages = 0;
  putBytes = 0;
  getMessages = 0;
  getBytes = 0;
  getFound = 0;
  getMiss = 0;
  /** Slowest put request (receipt to stored) since boot, ms, and this minute's latency histogram. */
  putLatencyMaxMs = 0;
  /** Slowest store read for a pull since boot, ms (RocketMQ's getMessageEntireTimeMax). */
  getLatencyMaxMs = 0;
  private putLatencyBuckets = new Array<number>(PUT_LATENCY_LABELS.length).fill(0);
  private readonly topicPut = new Map<string, KeyCounter>();
  private readonly groupGet = new Map<string, KeyCounter>();
  private readonly brokerPut = newCounter(0);
  private readonly brokerGet = newCounter(0);
  private readonly samples: { at: number; put: number; get: number; found: number; miss: number }[] = [];
  private lastTickAt = 0;
  /** Per ring: time of each slot, next slot to write, slots written, when it was last sampled. */
  private readonly ringAt = new Float64Array(SLOTS);
  private readonly ringNext = RINGS.map(() => 0);
  private readonly ringFilled = RINGS.map(() => 0);
  private readonly ringSampledAt = RINGS.map(() => -Infinity);
  private latencyMinute = -1;
  /**
   * Totals at the last two local midnights (RocketMQ's msgPut/GetTotal{Today,Yesterday}Morning): today's
   * count is `total − todayMorning`. 0 until a midnight passes, as in RocketMQ after a restart.
   */
  readonly mornings = { day: -1, putTodayMorning: 0, getTodayMorning: 0, putYesterdayMorning: 0, getYesterdayMorning: 0 };

  /** A put request stored `messages`; `receivedAt` (when the request arrived) also records its latency. */
  recordPut(topic: string, messages: number, bytes: number, receivedAt?: number, now = Date.now()): void {
    this.putMessages += messages;
    this.putBytes += bytes;
    add(this.brokerPut, messages, bytes, now);
    count(this.topicPut, topic, messages, bytes, now);
    if (receivedAt !== undefined) {
      const ms = Math.max(0, now - receivedAt);
      if (ms > this.putLatencyMaxMs) this.putLatencyMaxMs = ms;
      let b = 0;
      while (b < PUT_LATENCY_BOUNDS_MS.length && ms >= (PUT_LATENCY_BOUNDS_MS[b] as number)) b++;
      this.putLatencyBuckets[b]! += 1;
    }
  }

  recordGet(group: string, topic: string, messages: number, bytes: number, now = Date.now()): void {
    this.getMessages += messages;
    this.getBytes += bytes;
    add(this.brokerGet, messages, bytes, now);
    count(this.groupGet, `${topic}@${group}`, messages, bytes, now);
  }

  /** A pull read the store in `ms`; `found` when it carried messages (RocketMQ's getFound/getMiss). */
  recordPull(found: boolean, ms: number): void {
    if (found) this.getFound++;
    else this.getMiss++;
    if (ms > this.getLatencyMaxMs) this.getLatencyMaxMs = ms;
  }

  /** Called once a second: keeps the windows the rates are computed over. */
  tick(now = Date.now()): void {
    this.samples.push({ at: now, put: this.putMessages, get: this.getMessages, found: this.getFound, miss: this.getMiss });
    while (this.samples.length > BROKER_WINDOW_S + 1) this.samples.shift();
    for (const table of [this.topicPut, this.groupGet]) {
      for (const c of table.values()) {
        c.window.push(c.messages);
        if (c.window.length > KEY_WINDOW_S + 1) c.window.shift();
      }
    }
    this.lastTickAt = now;
    for (let r = 0; r < RINGS.length; r++) {
      if (now - (this.ringSampledAt[r] as number) >= RINGS[r]!.everyS * 1000) this.sampleRing(r, now);
    }
    const minute = Math.floor(now / 60_000);
    if (minute !== this.latencyMinute) {
      this.latencyMinute = minute;
      this.putLatencyBuckets.fill(0);
    }
    const d = new Date(now);
    const day = d.getFullYear() * 400 + d.getMonth() * 32 + d.getDate();
    const m = this.mornings;
    if (m.day === -1) {
      m.day = day;
    } else if (day !== m.day) {
      m.day = day;
      m.putYesterdayMorning = m.putTodayMorning;
      m.getYesterdayMorning = m.getTodayMorning;
      m.putTodayMorning = this.putMessages;
      m.getTodayMorning = this.getMessages;
    }
  }

  private sampleRing(r: number, now: number): void {
    const ring = RINGS[r]!;
    const slot = ring.first + (this.ringNext[r] as number);
    this.ringAt[slot] = now;
    this.ringNext[r] = ((this.ringNext[r] as number) + 1) % ring.slots;
    this.ringFilled[r] = Math.min(ring.slots, (this.ringFilled[r] as number) + 1);
    this.ringSampledAt[r] = now;
    const write = (c: KeyCounter) => {
      c.snapshots[slot * SLOT_FIELDS] = c.messages;
      c.snapshots[slot * SLOT_FIELDS + 1] = c.bytes;
      c.snapshots[slot * SLOT_FIELDS + 2] = c.times;
    };
    write(this.brokerPut);
    write(this.brokerGet);
    for (const c of this.topicPut.values()) write(c);
    for (const c of this.groupGet.values()) write(c);
  }

  /**
   * VIEW_BROKER_STATS_DATA: the item's increase over its last minute, hour and day of snapshots, as
   * RocketMQ's StatsItem computes it (newest snapshot − oldest). `key`: a topic, `topic@group`, or
   * for BROKER_* the cluster name. Null when no such item is kept.
   */
  statsData(name: StatsName, key: string, clusterName: string): BrokerStatsData | null {
    let counter: KeyCounter | undefined;
    if (name === 'BROKER_PUT_NUMS' || name === 'BROKER_GET_NUMS') counter = key === clusterName ? (name === 'BROKER_PUT_NUMS' ? this.brokerPut : this.brokerGet) : undefined;
    else counter = (name.startsWith('TOPIC_') ? this.topicPut : this.groupGet).get(key);
    if (!counter) return null;
    const field = name.endsWith('_SIZE') ? 1 : 0;
    const snap = (r: number) => this.snapshotOf(counter, r, field);
    return { statsMinute: snap(0), statsHour: snap(1), statsDay: snap(2) };
  }

  private snapshotOf(c: KeyCounter, r: number, field: number): StatsSnapshot {
    const ring = RINGS[r]!;
    const filled = this.ringFilled[r] as number;
    if (filled === 0) return { sum: 0, tps: 0, avgpt: 0 };
    const next = this.ringNext[r] as number;
    const newest = ring.first + ((next + ring.slots - 1) % ring.slots);
    const oldest = ring.first + (filled < ring.slots ? 0 : next);
    const sum = (c.snapshots[newest * SLOT_FIELDS + field] as number) - (c.snapshots[oldest * SLOT_FIELDS + field] as number);
    const times = (c.snapshots[newest * SLOT_FIELDS + 2] as number) - (c.snapshots[oldest * SLOT_FIELDS + 2] as number);
    const ms = (this.ringAt[newest] as number) - (this.ringAt[oldest] as number);
    return { sum, tps: ms > 0 ? (sum * 1000) / ms : 0, avgpt: times > 0 ? sum / times : 0 };
  }

  /** This minute's put latencies in RocketMQ's `putMessageDistributeTime` text: "[<=0ms]:3 [0~10ms]:1 …". */
  putLatencyDistribution(): string {
    return PUT_LATENCY_LABELS.map((label, i) => `${label}:${this.putLatencyBuckets[i]}`).join(' ');
  }

  /** Broker-wide rates over the last `windowS` seconds (as far back as samples go). */
  rates(windowS = 10): Rates {
    const last = this.samples[this.samples.length - 1];
    const first = this.samples[Math.max(0, this.samples.length - 1 - windowS)];
    if (!first || !last || last.at === first.at) return { putTps: 0, getTps: 0, getFoundTps: 0, getMissTps: 0, getTotalTps: 0 };
    const seconds = (last.at - first.at) / 1000;
    const found = (last.found - first.found) / seconds;
    const miss = (last.miss - first.miss) / seconds;
    return { putTps: (last.put - first.put) / seconds, getTps: (last.get - first.get) / seconds, getFoundTps: found, getMissTps: miss, getTotalTps: found + miss };
  }

  /** Messages put to the topic per second over the last ~10 s. */
  topicPutTps(topic: string): number {
    return keyTps(this.topicPut.get(topic));
  }

  /** Messages pulled by the group from the topic per second over the last ~10 s. */
  groupGetTps(group: string, topic: string): number {
    return keyTps(this.groupGet.get(`${topic}@${group}`));
  }

  /** Store time of the last message put to the topic / pulled by the group (0: none since boot). */
  lastPutAt(topic: string): number {
    return this.topicPut.get(topic)?.lastAt ?? 0;
  }

  get tickedAt(): number {
    return this.lastTickAt;
  }
}

function add(c: KeyCounter, messages: number, bytes: number, now: number): void {
  c.messages += messages;
  c.bytes += bytes;
  c.times++;
  c.lastAt = now;
}

function count(table: Map<string, KeyCounter>, key: string, messages: number, bytes: number, now: number): void {
  let c = table.get(key);
  if (!c) {
    if (table.size >= statsKeysMax) return;
    c = newCounter(now);
    table.set(key, c);
  }
  add(c, messages, bytes, now);
}

function keyTps(c: KeyCounter | undefined): number {
  if (!c || c.window.length < 2) return 0;
  const first = c.window[0] ?? 0;
  const last = c.window[c.window.length - 1] ?? 0;
  return (last - first) / (c.window.length - 1);
}
