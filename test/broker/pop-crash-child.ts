/**
 * Pop crash-test child: a real broker on a data dir that pops, acks, extends and dead-letters at
 * random (a plain group and a FIFO group on one topic) while sending a few new messages, reporting on
 * stdout (synchronous on a pipe) before and after each step; the parent SIGKILLs it at random.
 *   sent <key> | got <group> <key> <attempt> | acking|acked|dlqing|dlqed <group> <key>
 * argv: dataDir seed mode — mode `run` (until killed) or `drain` (pop and ack everything, list the
 * DLQs as `dead <group> <key>`, then exit 0).
 */
import { Broker } from '../../engine/broker/broker';
import { MATCH_ALL } from '../../engine/broker/filter/message-filter';
import type { PoppedMessage } from '../../engine/broker/pop/pop-service';
import { putMessage } from '../../engine/broker/put-message';
import { decodeMessage } from '../../engine/store/message-codec';
import { encodeProperties } from '../../engine/store/message-properties';

const CRASH_TOPIC = 'pop-crash';
const CRASH_GROUPS = ['pop-crash-g', 'pop-crash-fifo'] as const;
const SEEDED = 120;

const out = (line: string) => process.stdout.write(`${line}\n`);

async function send(broker: Broker, key: string): Promise<void> {
  const r = await putMessage(broker.ctx, { topic: CRASH_TOPIC, queueId: Math.floor(Math.random() * 4), body: Buffer.from(`body ${key}`), properties: encodeProperties({ KEYS: key, TAGS: 't' }), bornTimestamp: Date.now() });
  if (r.status !== 'PUT_OK') throw new Error(`send ${key}: ${r.status}`);
  out(`sent ${key}`);
}

const keyOf = (m: PoppedMessage) => decodeMessage(m.record, 0).properties.KEYS ?? '';

async function handle(broker: Broker, group: string, m: PoppedMessage, rnd: () => number): Promise<void> {
  const key = keyOf(m);
  const roll = rnd();
  if (roll < 0.55) {
    out(`acking ${group} ${key}`);
    const r = await broker.pop.ack(group, CRASH_TOPIC, m.receiptHandle);
    if (r.code === 'OK') out(`acked ${group} ${key}`);
  } else if (roll < 0.7) {
    const c = await broker.pop.changeInvisibleDuration(group, CRASH_TOPIC, m.receiptHandle, 100 + Math.floor(rnd() * 400));
    if (c.code === 'OK' && c.receiptHandle && rnd() < 0.5) {
      out(`acking ${group} ${key}`);
      const r = await broker.pop.ack(group, CRASH_TOPIC, c.receiptHandle);
      if (r.code === 'OK') out(`acked ${group} ${key}`);
    }
  } else if (roll < 0.73) {
    out(`dlqing ${group} ${key}`);
    const r = await broker.pop.forwardToDeadLetter(group, CRASH_TOPIC, m.receiptHandle);
    if (r.code === 'OK') out(`dlqed ${group} ${key}`);
  }
  // else: left to expire
}

async function worker(broker: Broker, group: string, rnd: () => number, drain: boolean): Promise<number> {
  const fifo = group === 'pop-crash-fifo';
  const res = await broker.pop.pop({
    group, topic: CRASH_TOPIC, maxMessages: 1 + Math.floor(rnd() * 8), invisibleMs: 100 + Math.floor(rnd() * 400), filter: MATCH_ALL, fifo, clientId: 'crash', pollMs: 200,
  });
  if (res.code !== 'OK') throw new Error(`pop ${group}: ${res.code} ${res.remark}`);
  for (const m of res.messages) {
    out(`got ${group} ${keyOf(m)} ${m.deliveryAttempt}`);
    if (drain) {
      out(`acking ${group} ${keyOf(m)}`);
      if ((await broker.pop.ack(group, CRASH_TOPIC, m.receiptHandle)).code === 'OK') out(`acked ${group} ${keyOf(m)}`);
    } else {
      await handle(broker, group, m, rnd);
    }
  }
  return res.messages.length;
}

function listDlq(broker: Broker, group: string): void {
  const topic = `%DLQ%${group}`;
  for (let offset = 0; ; ) {
    const r = broker.ctx.store.getMessage(topic, 0, offset, 32);
    if (r.status !== 'FOUND') return;
    for (const rec of r.messages) out(`dead ${group} ${decodeMessage(rec, 0).properties.KEYS}`);
    offset = r.nextBeginOffset;
  }
}

async function main(): Promise<void> {
  const [dir, seedArg, mode] = process.argv.slice(2) as [string, string, 'run' | 'drain'];
  let seed = Number(seedArg);
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return ((seed >>> 8) & 0xffffff) / 0x1000000;
  };
  const broker = await Broker.start({
    storeRoot: dir,
    config: { listenPort: 0, namesrvAddrs: [], minInvisibleTimeMillsForRecv: 100, reviveInterval: 50, flushConsumerOffsetInterval: rnd() < 0.5 ? 100 : 5_000 },
  });
  if (!broker.ctx.topics.get(CRASH_TOPIC)) {
    broker.ctx.topics.createIfMissing(CRASH_TOPIC, 4);
    broker.ctx.groups.findOrCreate(CRASH_GROUPS[0]);
    broker.ctx.groups.createOrUpdate({ ...broker.ctx.groups.findOrCreate(CRASH_GROUPS[1])!, consumeMessageOrderly: true });
    for (let i = 0; i < SEEDED; i++) await send(broker, `seed-${i}`);
  }
  out('ready');
  if (mode === 'drain') {
    let idleSince = Date.now();
    while (Date.now() - idleSince < 2_500) {
      const n = (await Promise.all(CRASH_GROUPS.map((g) => worker(broker, g, rnd, true)))).reduce((a, b) => a + b, 0);
      if (n > 0) idleSince = Date.now();
    }
    for (const g of CRASH_GROUPS) listDlq(broker, g);
    await broker.stop();
    out('drained');
    return;
  }
  let n = 0;
  const sender = async () => {
    for (;;) {
      await send(broker, `s${seedArg}-${n++}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loop = async (group: string) => {
    for (;;) await worker(broker, group, rnd, false);
  };
  await Promise.all([sender(), ...CRASH_GROUPS.flatMap((g) => [loop(g), loop(g)])]);
}

main().catch((err) => {
  process.stderr.write(`child failed: ${(err as Error).stack}\n`);
  process.exit(2);
});
