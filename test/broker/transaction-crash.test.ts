/**
 * The process users run is SIGKILLed with transactions in flight — half messages being sent, commits
 * and rollbacks on the wire, checks pending — ten times over one data dir. After the last restart a
 * fresh ali-ons group gets every message whose producer decided commit, exactly once, and none it
 * decided to roll back; the ones left unknown before a crash are still checked back and resolved.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { createConsumer, waitFor } from '../support/ali-ons';
import { freePort, startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';
import { COMMIT, ROLLBACK, TransactionProducer, type Decision } from '../support/transaction-producer';

const ROUNDS = 10;
const TOPIC = 'txc-topic';
const GROUP = 'txc-pg';

/** The producer's decision for a key: a third committed at once, a third rolled back, a third left to the check. */
function intent(key: string): { decision: Decision; viaCheck: boolean } {
  const n = Number(key.split('-')[2]);
  if (n % 3 === 0) return { decision: COMMIT, viaCheck: false };
  if (n % 3 === 1) return { decision: ROLLBACK, viaCheck: false };
  return { decision: n % 2 === 0 ? COMMIT : ROLLBACK, viaCheck: true };
}

async function startWithShortChecks(ports: string[], dataDir: string): Promise<{ proc: RocketDeckProcess; producer: TransactionProducer }> {
  const proc = await startRocketDeck(ports, { dataDir });
  const producer = new TransactionProducer(`127.0.0.1:${proc.brokerPort}`, GROUP);
  const body = Buffer.from('transactionCheckInterval=200\ntransactionTimeOut=800\n');
  const res = await producer.client.invoke(producer.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body }));
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  producer.onCheck((check) => intent(check.message.properties.KEYS ?? '').decision);
  await producer.start();
  return { proc, producer };
}

test('transactions survive ten SIGKILLs: nothing committed lost, nothing rolled back delivered, unknown ones still checked', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-tx-crash-'));
  const ports = ['--console-port', String(await freePort()), '--namesrv-port', String(await freePort()), '--broker-port', String(await freePort())];
  const acked = new Set<string>();
  const checkedBeforeCrash = new Set<string>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { proc, producer } = await startWithShortChecks(ports, dataDir);
      let stop = false;
      const senders = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const key = `r${round}w${w}-${i}-${i * 4 + w}`;
          try {
            const half = await producer.sendHalf(TOPIC, `payload ${key}`, { keys: key });
            acked.add(key);
            const { decision, viaCheck } = intent(key);
            if (!viaCheck) await producer.end(half, decision);
          } catch {
            return; // the broker is gone
          }
        }
      });
      await waitFor(() => [...acked].filter((k) => k.startsWith(`r${round}w`)).length >= 30, 20_000, `30 half messages in round ${round}`);
      // Every other round lives long enough for checks (and re-appended copies) to be under way.
      if (round % 2 === 1) await new Promise((r) => setTimeout(r, 1_200));
      for (const c of producer.checks) checkedBeforeCrash.add(c.message.properties.KEYS ?? '');
      await proc.kill();
      stop = true;
      await Promise.all(senders);
      await producer.close();
    }
    assert.ok(checkedBeforeCrash.size > 0, 'some checks happened between crashes');

    const { proc, producer } = await startWithShortChecks(ports, dataDir);
    const delivered = new Map<string, number>();
    const consumer = await createConsumer(`127.0.0.1:${proc.namesrvPort}`, 'txc-cg');
    consumer.subscribe(TOPIC, '*', async (msg) => {
      assert.equal(msg.body.toString(), `payload ${msg.keys}`);
      delivered.set(msg.keys, (delivered.get(msg.keys) ?? 0) + 1);
    });
    try {
      const mustArrive = [...acked].filter((k) => intent(k).decision === COMMIT);
      await waitFor(() => mustArrive.every((k) => delivered.has(k)), 40_000, `all ${mustArrive.length} committed messages (have ${delivered.size})`);
      // Long enough for any stray commit or check to show up.
      await new Promise((r) => setTimeout(r, 2_000));
      const rolledBack = [...delivered.keys()].filter((k) => intent(k).decision !== COMMIT);
      assert.deepEqual(rolledBack, [], 'nothing rolled back is delivered');
      const twice = [...delivered].filter(([, n]) => n > 1).map(([k]) => k);
      assert.deepEqual(twice, [], 'no commit is delivered twice');
      const checkedAfter = new Set(producer.checks.map((c) => c.message.properties.KEYS ?? ''));
      const lastRoundUnknown = [...acked].filter((k) => k.startsWith(`r${ROUNDS - 1}w`) && intent(k).viaCheck);
      assert.ok(lastRoundUnknown.some((k) => checkedAfter.has(k)), 'transactions left unknown by the last crash are checked after the restart');
      t.diagnostic(`${acked.size} half messages acknowledged across ${ROUNDS} SIGKILLs, ${mustArrive.length} committed and delivered once, ${checkedBeforeCrash.size} checked before a crash, ${checkedAfter.size} after the last restart`);
    } finally {
      await consumer.close();
      await producer.close();
      assert.equal(await proc.stop(), 0);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
