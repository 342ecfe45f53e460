/**
 * Transaction throughput (npm run bench:tx): transactions per second — a half message sent and
 * committed (SEND_MESSAGE_V2 with TRAN_MSG, then END_TRANSACTION commit awaited, so the count is of
 * commits stored with their op records) — against plain sends of the same client, body and concurrency
 * to the same server, rounds interleaved (plain, tx, plain, tx, …) so machine noise hits both alike.
 * A transaction is two round trips and three records (half, committed message, op), so the ideal
 * ratio is about 0.5. Throughput on a shared machine is noisy; the broker's CPU per operation (its /proc
 * time over the round) is the steadier figure, reported alongside.
 * Env: BENCH_TX (10000 per round), BENCH_ROUNDS (3), BENCH_IN_FLIGHT (64), BENCH_BROKER_CONFIG (extra broker
 * settings as properties text, e.g. 'traceOn=false', applied with UPDATE_BROKER_CONFIG).
 * The last stdout line is one JSON object.
 */
import { createRequest } from '../engine/remoting/remoting-command';
import { RequestCode } from '../engine/remoting/request-code';
import { ResponseCode } from '../engine/remoting/response-code';
import { COMMIT, TransactionProducer } from '../test/support/transaction-producer';
import { ensureBuild, startServer } from './lib/server-process';

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
const TOTAL = envInt('BENCH_TX', 10_000);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const IN_FLIGHT = envInt('BENCH_IN_FLIGHT', 64);
const BODY = Buffer.alloc(1024, 0x61);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs `one` TOTAL times with IN_FLIGHT at once; per second. */
async function rate(one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < TOTAL) await one(next++);
    }),
  );
  return TOTAL / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  ensureBuild(log);
  const server = await startServer();
  const producer = new TransactionProducer(server.brokerAddr, 'tx-bench-pg');
  const plain: number[] = [];
  const tx: number[] = [];
  const plainCpu: number[] = [];
  const txCpu: number[] = [];
  /** One measured round: its rate, and the broker's CPU µs per operation. */
  const measured = async (one: (i: number) => Promise<void>, rates: number[], cpu: number[]) => {
    const s0 = server.cpuSeconds();
    rates.push(await rate(one));
    cpu.push(((server.cpuSeconds() - s0) * 1e6) / TOTAL);
  };
  try {
    await producer.start();
    // The check stays out of the way: every transaction is committed long before it would be checked.
    const cfg = await producer.client.invoke(server.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(`transactionCheckInterval=30000\n${process.env.BENCH_BROKER_CONFIG ?? ''}\n`) }));
    if (cfg.code !== ResponseCode.SUCCESS) throw new Error(`config update refused: ${cfg.remark ?? cfg.code}`);
    const sendPlain = (topic: string) => async () => {
      const r = await producer.sendPlain(topic, BODY);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`plain send failed: ${r.code} ${r.remark ?? ''}`);
    };
    const sendTx = (topic: string) => async () => {
      const half = await producer.sendHalf(topic, BODY);
      const r = await producer.end(half, COMMIT, { sync: true });
      if (r?.code !== ResponseCode.SUCCESS) throw new Error(`commit failed: ${r?.code} ${r?.remark ?? ''}`);
    };
    await rate(sendPlain('TxBenchWarm'));
    await rate(sendTx('TxBenchWarm'));
    for (let round = 1; round <= ROUNDS; round++) {
      await measured(sendPlain(`TxBenchPlain${round}`), plain, plainCpu);
      await measured(sendTx(`TxBenchTx${round}`), tx, txCpu);
      log(`round ${round}: plain ${Math.round(plain.at(-1)!)} msg/s (broker ${plainCpu.at(-1)!.toFixed(1)} µs/msg), transactions ${Math.round(tx.at(-1)!)} tx/s (${txCpu.at(-1)!.toFixed(1)} µs/tx)`);
    }
  } finally {
    await producer.close();
    await server.stop();
  }
  const figures = {
    plain_sends_per_s: Math.round(median(plain)),
    transactions_per_s: Math.round(median(tx)),
    ratio_tx_to_plain: Math.round((median(tx) / median(plain)) * 1000) / 1000,
    ideal_ratio: 0.5,
    broker_us_per_plain_send: Math.round(median(plainCpu) * 10) / 10,
    broker_us_per_transaction: Math.round(median(txCpu) * 10) / 10,
    cpu_ratio_plain_to_tx: Math.round((median(plainCpu) / median(txCpu)) * 1000) / 1000,
    per_round: TOTAL,
    in_flight: IN_FLIGHT,
    rounds: { plain: plain.map(Math.round), tx: tx.map(Math.round) },
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:tx failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
