/**
 * Timer messages across SIGKILLs of the process users run: rounds of "start, send timers while
 * earlier ones fire, SIGKILL at a random moment", then one last start that lets every timer come due.
 * Every acknowledged timer fires exactly once (none lost, none twice), never before its time; a send
 * the kill cut off fires at most once. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, startRocketDeck } from '../support/rocketdeck-process';
import { RawProducer } from '../support/raw-producer';
import { mulberry32 } from '../support/prng';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import type { DecodedMessage } from '../../engine/store/message-codec';

const ROUNDS = 10;
const TOPIC = 'timer-crash';

async function sendWhileAlive(p: RawProducer, rand: () => number, acked: Map<string, number>, attempted: Set<string>, round: number, stop: () => boolean): Promise<void> {
  const worker = async (w: number) => {
    for (let i = 0; !stop(); i++) {
      const key = `r${round}-w${w}-${i}`;
      const due = Date.now() + 300 + Math.floor(rand() * 2500);
      attempted.add(key);
      try {
        const r = await p.send(TOPIC, key, { TIMER_DELIVER_MS: String(due), KEYS: key }, 0);
        if (r.code === ResponseCode.SUCCESS) acked.set(key, due);
      } catch {
        return; // the process is gone: this send may or may not have been stored
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
}

async function pullAll(p: RawProducer): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  for (;;) {
    const got = await p.pull(TOPIC, 0, out.length, 64);
    if (got.length === 0) return out;
    out.push(...got);
  }
}

test(`every timer fires exactly once across ${ROUNDS} SIGKILLs`, { timeout: 180_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-timer-crash-'));
  const ports = ['--console-port', String(await freePort()), '--namesrv-port', String(await freePort()), '--broker-port', String(await freePort())];
  const rand = mulberry32(0x7131e5);
  const acked = new Map<string, number>();
  const attempted = new Set<string>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const proc = await startRocketDeck(ports, { dataDir });
      const p = new RawProducer(`127.0.0.1:${proc.brokerPort}`);
      if (round === 0) {
        const r = await p.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: TOPIC, readQueueNums: 1, writeQueueNums: 1, perm: 6 });
        assert.equal(r.code, ResponseCode.SUCCESS);
      }
      let stopped = false;
      const sending = sendWhileAlive(p, rand, acked, attempted, round, () => stopped);
      // Long enough for timers of earlier rounds to come due and fire; the kill lands at a random moment.
      await new Promise((r) => setTimeout(r, 800 + Math.floor(rand() * 1200)));
      await proc.kill();
      stopped = true;
      await sending;
      await p.close();
    }
    assert.ok(acked.size > 200, `only ${acked.size} timers acknowledged`);

    const last = await startRocketDeck(ports, { dataDir });
    const p = new RawProducer(`127.0.0.1:${last.brokerPort}`);
    try {
      const lastDue = Math.max(...acked.values());
      await new Promise((r) => setTimeout(r, Math.max(0, lastDue - Date.now()) + 3000));
      const got = await pullAll(p);
      const seen = new Map<string, number>();
      for (const m of got) {
        const key = m.body.toString();
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const due = acked.get(key);
        if (due !== undefined) assert.ok(m.storeTimestamp >= due, `${key} fired ${due - m.storeTimestamp} ms early`);
      }
      const lost = [...acked.keys()].filter((k) => !seen.has(k));
      const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
      const unknown = [...seen.keys()].filter((k) => !attempted.has(k));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged timers never fired`);
      assert.deepEqual(twice, [], `${twice.length} timers fired more than once`);
      assert.deepEqual(unknown, []);
      // Nothing is left in the wheel.
      const info = await p.call(RequestCode.GET_BROKER_RUNTIME_INFO);
      assert.match(info.body?.toString() ?? '', /"timerCongestNum":"0"/);
    } finally {
      await p.close();
      assert.equal(await last.stop(), 0);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
