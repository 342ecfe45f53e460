/**
 * BrokerStats: counters the broker keeps for runtime info and the console (messages and bytes in/out,
 * per topic and per group), plus per-second rates over sliding windows (RocketMQ's StoreStatsService
 * reports 10 s, 60 s and 600 s; per topic and per group we keep the 10 s one).
 */
export interface Rates {
  putTps: number;
  getTps: number;
}

/** Broker-wide samples kept, one a second: enough for the 600 s rate. */
const BROKER_WINDOW_S = 600;
/** Per-topic / per-group rate window, s. */
const KEY_WINDOW_S = 10;
/** Topic and group keys tracked for rates; beyond this new keys are counted broker-wide only. */
export const statsKeysMax = 20_000;

interface KeyCounter {
  messages: number;
  bytes: number;
  lastAt: number;
  /** Message count at each of the last ticks, oldest first. */
  window: number[];
}

export class BrokerStats {
  putMessages = 0;
  putBytes = 0;
  getMessages = 0;
  getBytes = 0;
  private readonly topicPut = new Map<string, KeyCounter>();
  private readonly groupGet = new Map<string, KeyCounter>();
  private readonly samples: { at: number; put: number; get: number }[] = [];
  private lastTickAt = 0;
  /**
   * Totals at the last two local midnights (RocketMQ's msgPut/GetTotal{Today,Yesterday}Morning): today's
   * count is `total − todayMorning`. 0 until a midnight passes, as in RocketMQ after a restart.
   */
  readonly mornings = { day: -1, putTodayMorning: 0, getTodayMorning: 0, putYesterdayMorning: 0, getYesterdayMorning: 0 };

  recordPut(topic: string, messages: number, bytes: number, now = Date.now()): void {
    this.putMessages += messages;
    this.putBytes += bytes;
    count(this.topicPut, topic, messages, bytes, now);
  }

  recordGet(group: string, topic: string, messages: number, bytes: number, now = Date.now()): void {
    this.getMessages += messages;
    this.getBytes += bytes;
    count(this.groupGet, `${topic}@${group}`, messages, bytes, now);
  }

  /** Called once a second: keeps the windows the rates are computed over. */
  tick(now = Date.now()): void {
    this.samples.push({ at: now, put: this.putMessages, get: this.getMessages });
    while (this.samples.length > BROKER_WINDOW_S + 1) this.samples.shift();
    for (const table of [this.topicPut, this.groupGet]) {
      for (const c of table.values()) {
        c.window.push(c.messages);
        if (c.window.length > KEY_WINDOW_S + 1) c.window.shift();
      }
    }
    this.lastTickAt = now;
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

  /** Broker-wide rates over the last `windowS` seconds (as far back as samples go). */
  rates(windowS = 10): Rates {
    const last = this.samples[this.samples.length - 1];
    const first = this.samples[Math.max(0, this.samples.length - 1 - windowS)];
    if (!first || !last || last.at === first.at) return { putTps: 0, getTps: 0 };
    const seconds = (last.at - first.at) / 1000;
    return { putTps: (last.put - first.put) / seconds, getTps: (last.get - first.get) / seconds };
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

function count(table: Map<string, KeyCounter>, key: string, messages: number, bytes: number, now: number): void {
  const c = table.get(key);
  if (c) {
    c.messages += messages;
    c.bytes += bytes;
    c.lastAt = now;
  } else if (table.size < statsKeysMax) {
    table.set(key, { messages, bytes, lastAt: now, window: [] });
  }
}

function keyTps(c: KeyCounter | undefined): number {
  if (!c || c.window.length < 2) return 0;
  const first = c.window[0] ?? 0;
  const last = c.window[c.window.length - 1] ?? 0;
  return (last - first) / (c.window.length - 1);
}
