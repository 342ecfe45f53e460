/** CommitLog records encoded by the store's own encoder, for filter tests and benchmarks. */
import { EncodePlan, encodeRecord, planRecord } from '../../engine/store/message-codec';
import { encodeProperties } from '../../engine/store/message-properties';

const plan = new EncodePlan();

/** One stored record with these properties (already-encoded property text may be given as is). */
export function encodedRecord(properties: Record<string, string> | string, topic = 'filter-topic', body = 'body'): Buffer {
  const msg = { topic, queueId: 0, body: Buffer.from(body), properties: typeof properties === 'string' ? properties : encodeProperties(properties), bornTimestamp: 1_700_000_000_000 };
  const problem = planRecord(msg, plan);
  if (problem !== null) throw new Error(`cannot encode the test record: ${problem}`);
  const out = Buffer.alloc(plan.totalSize);
  plan.setBuffer(out);
  plan.pos = 0;
  plan.queueOffset = 0;
  plan.physicalOffset = 0;
  plan.storeTimestamp = 1_700_000_000_001;
  encodeRecord(msg, plan);
  return out;
}
