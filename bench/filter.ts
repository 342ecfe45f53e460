/**
 * SQL92 filter evaluation (npm run bench:filter): messages/s of the broker's MessageFilter over
 * CommitLog records encoded by the store's own encoder, with a realistic property set (what an
 * ali-ons producer sends plus the broker's UNIQ_KEY/CLUSTER tail, and a few user properties).
 *
 * Ceiling, measured in the same run over the same records: a loop that only finds each record's
 * properties and walks their bytes chunk by chunk (what any filter must at least do), without
 * evaluating anything. Also, for scale, RocketMQ's way: decoding every property into a map.
 * Each expression is timed between two walks (the ratio is to their mean; the machine's speed drifts).
 * Env: BENCH_RECORDS (20000 distinct records), BENCH_PASSES (25 over them), BENCH_ROUNDS (3, median).
 * The last stdout line is one JSON object.
 */
import { buildMessageFilter } from '../engine/broker/filter/message-filter';
import { propertiesRangeOf } from '../engine/broker/filter/message-evaluation-context';
import { buildSubscription } from '../engine/broker/filter/subscription-data';
import { decodeProperties } from '../engine/store/message-properties';
import { encodedRecord } from '../test/support/message-records';

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
const RECORDS = envInt('BENCH_RECORDS', 20_000);
const PASSES = envInt('BENCH_PASSES', 25);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const TARGET_MSGS_PER_SEC = 500_000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const EXPRESSIONS = [
  "a > 5 AND b = 'x' OR c IN ('p','q')",
  "TAGS = 'TagA'",
  'a BETWEEN 3 AND 8',
  "region <> 'eu' AND price > 99.5",
  "b STARTSWITH 'x' AND d IS NOT NULL AND NOT (c CONTAINS 'z')",
];

/** Deterministic records: a in 0..9, b in x/y, c in p/q/r/s, d sometimes missing, a price, a region. */
function makeRecords(n: number): Buffer[] {
  const out: Buffer[] = [];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let i = 0; i < n; i++) {
    const r = next();
    const props: Record<string, string> = {
      KEYS: `order-${i}`,
      TAGS: r % 3 === 0 ? 'TagA' : 'TagB',
      WAIT: 'true',
      a: String(r % 10),
      b: (r >> 4) % 2 === 0 ? 'x' : 'y',
      c: ['p', 'q', 'r', 's'][(r >> 5) % 4] as string,
      price: ((r >> 7) % 20000 / 100).toFixed(2),
      region: (r >> 9) % 3 === 0 ? 'eu' : 'us',
      UNIQ_KEY: `7F0000010F2C18B4AAC2188B${(0x10000000 + i).toString(16).toUpperCase()}`,
      CLUSTER: 'DefaultCluster',
    };
    if ((r >> 11) % 4 !== 0) props.d = 'present';
    out.push(encodedRecord(props, 'bench-filter', 'x'.repeat(64)));
  }
  return out;
}

/** Runs `fn` over every record PASSES times; messages per second. */
function rate(records: readonly Buffer[], fn: (record: Buffer) => number): { msgsPerSec: number; sink: number } {
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let p = 0; p < PASSES; p++) for (let i = 0; i < records.length; i++) sink += fn(records[i] as Buffer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { msgsPerSec: (records.length * PASSES) / seconds, sink };
}

const range = new Int32Array(2);

/** The ceiling: locate the properties and hop from property to property, as any lookup must. */
function walkOnly(record: Buffer): number {
  if (!propertiesRangeOf(record, range)) return 0;
  let chunks = 0;
  const end = range[1] as number;
  for (let i = range[0] as number; i < end; chunks++) {
    const next = record.indexOf(0x02, i);
    i = next < 0 ? end : next + 1;
  }
  return chunks;
}

function decodeAll(record: Buffer): number {
  propertiesRangeOf(record, range);
  return Object.keys(decodeProperties(record.toString('utf8', range[0], range[1]))).length;
}

function main(): void {
  const records = makeRecords(RECORDS);
  const filters = EXPRESSIONS.map((e) => ({ expression: e, filter: buildMessageFilter(buildSubscription('bench-filter', e, 'SQL92')) }));
  const walk: number[] = [];
  const decode: number[] = [];
  const byExpr = new Map<string, { rates: number[]; ratios: number[]; matched: number }>(EXPRESSIONS.map((e) => [e, { rates: [], ratios: [], matched: 0 }]));
  rate(records, walkOnly);
  for (const { filter } of filters) rate(records, (r) => (filter.matchesRecord(r) ? 1 : 0));
  // The machine's speed drifts (it is shared): each expression is measured between two walks.
  for (let round = 1; round <= ROUNDS; round++) {
    decode.push(rate(records, decodeAll).msgsPerSec);
    for (const { expression, filter } of filters) {
      const before = rate(records, walkOnly).msgsPerSec;
      const t = rate(records, (r) => (filter.matchesRecord(r) ? 1 : 0));
      const after = rate(records, walkOnly).msgsPerSec;
      walk.push(before, after);
      const entry = byExpr.get(expression) as { rates: number[]; ratios: number[]; matched: number };
      entry.rates.push(t.msgsPerSec);
      entry.ratios.push(t.msgsPerSec / ((before + after) / 2));
      entry.matched = t.sink / PASSES;
    }
    log(`round ${round}: walk ${Math.round(median(walk.slice(-2 * filters.length))).toLocaleString('en-US')} msg/s`);
  }
  const ceiling = median(walk);
  const expressions = [...byExpr].map(([expression, e]) => {
    const msgsPerSec = Math.round(median(e.rates));
    log(`${expression}: ${msgsPerSec.toLocaleString('en-US')} msg/s (${((e.matched / RECORDS) * 100).toFixed(1)}% match)`);
    return { expression, msgsPerSec, ratioToWalk: Number(median(e.ratios).toFixed(3)), matchedShare: Number((e.matched / RECORDS).toFixed(3)) };
  });
  const typical = expressions[0] as (typeof expressions)[number];
  console.log(
    JSON.stringify({
      bench: 'filter',
      records: RECORDS,
      passes: PASSES,
      rounds: ROUNDS,
      recordBytes: Math.round(records.reduce((s, r) => s + r.length, 0) / RECORDS),
      ceiling: { what: 'find properties and walk their bytes, no evaluation', msgsPerSec: Math.round(ceiling) },
      decodeAllPropertiesMsgsPerSec: Math.round(median(decode)),
      expressions,
      typical: { expression: typical.expression, msgsPerSec: typical.msgsPerSec, ratioToWalk: typical.ratioToWalk, targetMsgsPerSec: TARGET_MSGS_PER_SEC, meetsTarget: typical.msgsPerSec >= TARGET_MSGS_PER_SEC },
    }),
  );
}

main();
