/**
 * Long polling (RocketMQ's PullRequestHoldService): a pull that found nothing new is parked under
 * `topic@queueId` until the dispatcher reports a new max offset beyond what it asked for, or until
 * its hold time runs out; then it is executed again and answered with whatever it finds.
 * Parked pulls are bounded per broker; a full table answers at once instead of parking.
 */
export interface HeldPull {
  topic: string;
  queueId: number;
  /** The offset the client asked for: a new max offset above it wakes the pull. */
  offset: number;
  deadline: number;
  /** Re-executes the pull (never parks again) and sends the answer. */
  wake(): void;
}

export class PullRequestHoldService {
  private readonly held = new Map<string, HeldPull[]>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly maxHeld: number, private readonly scanIntervalMs = 200) {}

  start(): void {
    this.timer = setInterval(() => this.expire(Date.now()), this.scanIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Answer everything still parked so clients are not left waiting on a closing broker.
    for (const list of this.held.values()) for (const pull of list) pull.wake();
    this.held.clear();
    this.count = 0;
  }

  /** Parks a pull; false when the table is full (the caller answers at once). */
  hold(pull: HeldPull): boolean {
    if (this.count >= this.maxHeld) return false;
    const key = `${pull.topic}@${pull.queueId}`;
    const list = this.held.get(key);
    if (list) list.push(pull);
    else this.held.set(key, [pull]);
    this.count += 1;
    return true;
  }

  get size(): number {
    return this.count;
  }

  /** Dispatcher callback: the queue's max offset is now `maxOffset`. */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number): void {
    const key = `${topic}@${queueId}`;
    const list = this.held.get(key);
    if (!list) return;
    const keep: HeldPull[] = [];
    const ready: HeldPull[] = [];
    for (const pull of list) (maxOffset > pull.offset ? ready : keep).push(pull);
    if (ready.length === 0) return;
    if (keep.length > 0) this.held.set(key, keep);
    else this.held.delete(key);
    this.count -= ready.length;
    for (const pull of ready) pull.wake();
  }

  private expire(now: number): void {
    for (const [key, list] of this.held) {
      const keep = list.filter((p) => p.deadline > now);
      if (keep.length === list.length) continue;
      if (keep.length > 0) this.held.set(key, keep);
      else this.held.delete(key);
      for (const pull of list) {
        if (pull.deadline <= now) {
          this.count -= 1;
          pull.wake();
        }
      }
    }
  }
}
