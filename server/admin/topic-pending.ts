/**
 * What waits for a topic outside its queues, for the topic page: half messages nobody decided yet
 * (read from the half and op topics, transactions.ts) and timers not yet due (GET_TIMER_METRICS,
 * timers.ts). Either part failing leaves its count null with the reason; the page still shows the rest.
 */
import type { AdminTransport } from './admin-transport';
import { AdminError, type TopicPending } from './admin-types';
import { pendingTimers } from './timers';
import { pendingHalfMessages } from './transactions';

export async function topicPending(t: AdminTransport, topic: string): Promise<TopicPending> {
  const out: TopicPending = { halfMessages: null, halfTruncated: false, timers: null, problems: [] };
  const [half, timers] = await Promise.allSettled([pendingHalfMessages(t), pendingTimers(t, topic)]);
  if (half.status === 'fulfilled') {
    out.halfMessages = half.value.byTopic[topic] ?? 0;
    out.halfTruncated = half.value.truncated;
  } else {
    out.problems.push(`half messages: ${reason(half.reason)}`);
  }
  if (timers.status === 'fulfilled') {
    const supported = timers.value.brokers.filter((b) => b.supported);
    if (supported.length > 0) out.timers = timers.value.byTopic[topic] ?? 0;
    for (const b of timers.value.brokers) if (b.error) out.problems.push(`timers on broker ${b.brokerName}: ${b.error}`);
    if (supported.length === 0 && timers.value.brokers.every((b) => !b.error)) out.problems.push('no broker reports timer messages (GET_TIMER_METRICS is RocketMQ 5)');
  } else {
    out.problems.push(`timers: ${reason(timers.reason)}`);
  }
  return out;
}

/** Only the admin layer's own failures are reported as a reason; anything else is a bug and propagates. */
function reason(err: unknown): string {
  if (err instanceof AdminError) return err.message;
  throw err;
}
