/**
 * PopLongPollingService: pops that found nothing wait here, keyed by the topics they read (the
 * topic, and the group's retry topic), until a message arrives on one of them, a FIFO queue of the
 * topic is unblocked (an ack finished its batch, an invisibility passed), their poll time runs out,
 * or the client goes away. Then the pop tries again. Bounded: a full table refuses to park.
 *
 * A per-topic generation counter closes the race between a pop's read and its parking: a pop notes
 * the generation before reading and parks only if nothing was announced since.
 */
export class PopLongPollingService {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly generations = new Map<string, number>();
  private count = 0;
  private stopped = false;

  constructor(private readonly maxParked: number) {}

  get size(): number {
    return this.count;
  }

  /** Sum of the topics' generations: compare before and after a read. */
  generation(topics: readonly string[]): number {
    let g = 0;
    for (const t of topics) g += this.generations.get(t) ?? 0;
    return g;
  }

  /**
   * Waits for news on any of `topics` until `deadline`; resolves true on news or a timeout/abort,
   * false at once when the table is full or the service stopped.
   */
  wait(topics: readonly string[], deadline: number, signal?: AbortSignal): Promise<boolean> {
    if (this.stopped || this.count >= this.maxParked) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        for (const t of topics) {
          const set = this.waiting.get(t);
          set?.delete(finish);
          if (set?.size === 0) this.waiting.delete(t);
        }
        this.count -= 1;
        resolve(true);
      };
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', finish, { once: true });
      this.count += 1;
      for (const t of topics) {
        let set = this.waiting.get(t);
        if (!set) {
          set = new Set();
          this.waiting.set(t, set);
        }
        set.add(finish);
      }
    });
  }

  /** Something new on `topic`: every pop waiting on it tries again. */
  notify(topic: string): void {
    this.generations.set(topic, (this.generations.get(topic) ?? 0) + 1);
    const set = this.waiting.get(topic);
    if (!set) return;
    for (const finish of [...set]) finish();
  }

  /** Wakes everything (the broker is stopping) and refuses new waits. */
  stop(): void {
    this.stopped = true;
    for (const set of [...this.waiting.values()]) for (const finish of [...set]) finish();
  }
}
