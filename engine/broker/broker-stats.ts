/**
 * BrokerStats: counters the broker keeps for runtime info and the console (messages and bytes in/out,
 * per topic and per group), plus per-second rates over a short sliding window.
 */
export interface Rates {
  putTps: number;
  getTps: number;
}

const WINDOW_S = 10;

export class BrokerStats {
  putMessages = 0;
  putBytes = 0;
  getMessages = 0;
  getBytes = 0;
  readonly topicPut = new Map<string, { messages: number; bytes: number; lastPutAt: number }>();
  readonly groupGet = new Map<string, { messages: number; bytes: number; lastGetAt: number }>();
  private readonly samples: { at: number; put: number; get: number }[] = [];

  recordPut(topic: string, messages: number, bytes: number, now = Date.now()): void {
    this.putMessages += messages;
    this.putBytes += bytes;
    const t = this.topicPut.get(topic);
    if (t) {
      t.messages += messages;
      t.bytes += bytes;
      t.lastPutAt = now;
    } else {
      this.topicPut.set(topic, { messages, bytes, lastPutAt: now });
    }
  }

  recordGet(group: string, topic: string, messages: number, bytes: number, now = Date.now()): void {
    this.getMessages += messages;
    this.getBytes += bytes;
    const key = `${topic}@${group}`;
    const g = this.groupGet.get(key);
    if (g) {
      g.messages += messages;
      g.bytes += bytes;
      g.lastGetAt = now;
    } else {
      this.groupGet.set(key, { messages, bytes, lastGetAt: now });
    }
  }

  /** Called once a second: keeps the window the rates are computed over. */
  tick(now = Date.now()): void {
    this.samples.push({ at: now, put: this.putMessages, get: this.getMessages });
    while (this.samples.length > WINDOW_S + 1) this.samples.shift();
  }

  rates(): Rates {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return { putTps: 0, getTps: 0 };
    const seconds = (last.at - first.at) / 1000;
    return { putTps: (last.put - first.put) / seconds, getTps: (last.get - first.get) / seconds };
  }
}
