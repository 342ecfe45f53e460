/**
 * Store times of messages at given queue positions: PULL_MESSAGE (11) of one message at the offset as group
 * TOOLS_CONSUMER, no suspend and no commit — what rocketmq-exporter does to date a group's first unconsumed
 * message (rocketmq_group_get_latency_by_storetime). RocketMQ's ConsumeStats only carries the store time of
 * the last *consumed* message, which after an offset reset or skip can be much older than the first
 * unconsumed one, so it cannot stand in for it.
 */
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { mapLimit, type AdminTransport } from './admin-transport';
import { AdminError, type QueuePosition } from './admin-types';
import { decodeRecords, toolsPullHeader } from './messages';

/** Positions one call reads: each is one pull, so a caller dates a bounded number per round. */
export const storeTimesPerCallMax = 256;
/** Pulls in flight at once. */
const pullConcurrency = 4;

/** One store time per position, in order; null when the queue holds no message there or its broker failed. */
export async function messageStoreTimes(t: AdminTransport, positions: readonly QueuePosition[]): Promise<Array<number | null>> {
  const batch = positions.slice(0, storeTimesPerCallMax);
  const masters = new Map((await t.masters()).map((m) => [m.brokerName, m]));
  const times = await mapLimit(batch, pullConcurrency, async (p) => {
    const ref = masters.get(p.brokerName);
    if (!ref) return null;
    try {
      const response = await t.broker(ref, RequestCode.PULL_MESSAGE, toolsPullHeader(p.topic, p.queueId, p.offset, 1));
      if (response.code !== ResponseCode.SUCCESS) return null;
      const msg = decodeRecords(response.body, 1)[0];
      // A pull may start past the asked offset (the message expired): that message does not date this one.
      return msg && msg.queueOffset === p.offset && msg.storeTimestamp > 0 ? msg.storeTimestamp : null;
    } catch (err) {
      // An unreachable or slow broker leaves its queues undated (unknown), as the caller reports them.
      if (err instanceof AdminError) return null;
      throw err;
    }
  });
  return [...times, ...positions.slice(batch.length).map(() => null)];
}
