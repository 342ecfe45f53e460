/**
 * GrpcClientSettingsManager: the settings each 5.x client sent on its Telemetry stream, and the
 * enriched copy the server answers with (as the proxy's GrpcClientSettingsManager builds it).
 *
 * Producers MUST get an exponential back-off policy and `publishing.max_body_size` (> 0) back, or the
 * Node client's start-up throws or refuses every message; consumers get their group's retry policy,
 * whether the group is FIFO (`consumeMessageOrderly`) and the receive batch size.
 */
import type { BrokerContext } from '../broker/broker-context';
import { clientSettingsMax, longPollingMsMax, receiveBatchMax } from './grpc-limits';
import { msToDuration, type RetryPolicy, type Settings } from './proto-types';

/** The proxy's producer back-off (grpcClientProducerMaxAttempts / BackoffInitial / Max / Multiplier). */
const PRODUCER_MAX_ATTEMPTS = 3;
const PRODUCER_BACKOFF_INITIAL_MS = 10;
const PRODUCER_BACKOFF_MAX_MS = 1000;
const PRODUCER_BACKOFF_MULTIPLIER = 2;
/** FIFO consumers retry locally with exponential back-off (the proxy's defaults for an orderly group). */
const FIFO_BACKOFF_INITIAL_MS = 1000;
const FIFO_BACKOFF_MAX_MS = 60_000;

export class GrpcClientSettingsManager {
  private readonly settings = new Map<string, Settings>();

  constructor(private readonly ctx: BrokerContext) {}

  /** Stores what the client sent; answers the enriched settings to send back. */
  update(clientId: string, raw: Settings): Settings {
    if (!this.settings.has(clientId) && this.settings.size >= clientSettingsMax) {
      const oldest = this.settings.keys().next().value;
      if (oldest !== undefined) this.settings.delete(oldest);
    }
    this.settings.set(clientId, raw);
    return this.enriched(raw);
  }

  /** The client's settings as it sent them (undefined before its first Telemetry settings). */
  raw(clientId: string): Settings | undefined {
    return this.settings.get(clientId);
  }

  /** The client's settings as the server completes them (FIFO flag, retry policy: read fresh from the group). */
  get(clientId: string): Settings | undefined {
    const raw = this.settings.get(clientId);
    return raw ? this.enriched(raw) : undefined;
  }

  remove(clientId: string): void {
    this.settings.delete(clientId);
  }

  private enriched(raw: Settings): Settings {
    if (raw.clientType === 'PRODUCER') return this.producerSettings(raw);
    if (raw.subscription) return this.consumerSettings(raw);
    return { ...raw };
  }

  private producerSettings(raw: Settings): Settings {
    return {
      ...raw,
      backoffPolicy: {
        maxAttempts: PRODUCER_MAX_ATTEMPTS,
        exponentialBackoff: {
          initial: msToDuration(PRODUCER_BACKOFF_INITIAL_MS),
          max: msToDuration(PRODUCER_BACKOFF_MAX_MS),
          multiplier: PRODUCER_BACKOFF_MULTIPLIER,
        },
      },
      publishing: {
        topics: raw.publishing?.topics ?? [],
        maxBodySize: this.ctx.config.maxMessageSize,
        validateMessageType: raw.publishing?.validateMessageType ?? true,
      },
    };
  }

  private consumerSettings(raw: Settings): Settings {
    const sub = raw.subscription!;
    const group = this.ctx.groups.get(sub.group?.name ?? '');
    const fifo = group?.consumeMessageOrderly ?? false;
    return {
      ...raw,
      backoffPolicy: this.consumerRetryPolicy(fifo, (group?.retryMaxTimes ?? 16) + 1),
      subscription: {
        ...sub,
        fifo,
        receiveBatchSize: receiveBatchMax,
        longPollingTimeout: msToDuration(longPollingMsMax),
      },
    };
  }

  /** Non-FIFO groups back off by the broker's delay levels (from level 3, as RocketMQ retries), FIFO groups exponentially. */
  private consumerRetryPolicy(fifo: boolean, maxAttempts: number): RetryPolicy {
    if (fifo) {
      return {
        maxAttempts,
        exponentialBackoff: { initial: msToDuration(FIFO_BACKOFF_INITIAL_MS), max: msToDuration(FIFO_BACKOFF_MAX_MS), multiplier: 2 },
      };
    }
    return { maxAttempts, customizedBackoff: { next: this.ctx.delayLevelsMs.slice(2).map(msToDuration) } };
  }
}
