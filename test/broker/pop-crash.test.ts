/**
 * SIGKILL a broker that is popping, acking, extending and dead-lettering (pop-crash-child.ts), again
 * and again on one data dir: an acked message is never delivered again, and after the last restart
 * every message not acked comes back (or is in the DLQ) — none is lost.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { removeDir, tempDir } from '../../engine/store/store-test-helpers';

/** The child's groups (pop-crash-child.ts): a plain one and a FIFO one. */
const CRASH_GROUPS = ['pop-crash-g', 'pop-crash-fifo'];
const ROUNDS = Number(process.env.POP_CRASH_ROUNDS ?? 10);

interface Ledger {
  sent: Set<string>;
  /** group → keys whose ack (or DLQ forward) was confirmed. */
  acked: Map<string, Set<string>>;
  /** group → keys whose ack was asked for but maybe not stored before the kill. */
  uncertain: Map<string, Set<string>>;
  /** group → keys delivered during the drain. */
  drained: Map<string, Set<string>>;
  dead: Map<string, Set<string>>;
  deliveries: number;
}

function runChild(dir: string, seed: number, mode: 'run' | 'drain', killAfterMs: number, ledger: Ledger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pop-crash-child.ts'), dir, String(seed), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let failure: Error | undefined;
    child.stderr.on('data', (d) => (stderr += String(d)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const [what, group = '', key = ''] = line.split(' ');
      const add = (m: Map<string, Set<string>>) => (m.get(group) ?? m.set(group, new Set()).get(group)!).add(key);
      if (what === 'ready' && mode === 'run') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      else if (what === 'sent') ledger.sent.add(group);
      else if (what === 'got') {
        ledger.deliveries++;
        if (ledger.acked.get(group)?.has(key)) failure ??= new Error(`round ${seed}: ${group} got ${key} again after its ack was confirmed`);
        if (mode === 'drain') add(ledger.drained);
      } else if (what === 'acking' || what === 'dlqing') add(ledger.uncertain);
      else if (what === 'acked' || what === 'dlqed') add(ledger.acked);
      else if (what === 'dead') add(ledger.dead);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (failure) return reject(failure);
      if ((mode === 'run' && signal === 'SIGKILL') || (mode === 'drain' && code === 0)) return resolve();
      reject(new Error(`child (${mode}) exited with code ${code} signal ${signal}: ${stderr}`));
    });
  });
}

test(`SIGKILL a popping broker ${ROUNDS} times: acked messages never come back, unacked ones always do`, { timeout: 180_000 }, async (t) => {
  const dir = tempDir('rd-pop-crash-');
  const ledger: Ledger = { sent: new Set(), acked: new Map(), uncertain: new Map(), drained: new Map(), dead: new Map(), deliveries: 0 };
  try {
    let seed = 4242;
    for (let round = 0; round < ROUNDS; round++) {
      seed = (Math.imul(seed, 48271) + 1) | 0;
      await runChild(dir, Math.abs(seed), 'run', 300 + (Math.abs(seed) % 1200), ledger);
    }
    await runChild(dir, 7, 'drain', 0, ledger);
    const sizes = (m: Map<string, Set<string>>) => CRASH_GROUPS.map((g) => m.get(g)?.size ?? 0).join('/');
    t.diagnostic(`${ledger.sent.size} sent, ${ledger.deliveries} deliveries, acked ${sizes(ledger.acked)}, drained ${sizes(ledger.drained)}, dead ${sizes(ledger.dead)}`);
    assert.ok(ledger.deliveries > ROUNDS * 10, `only ${ledger.deliveries} deliveries were exercised`);
    for (const group of CRASH_GROUPS) {
      const acked = ledger.acked.get(group) ?? new Set();
      assert.ok(acked.size > 0, `${group} acked something`);
      const missing = [...ledger.sent].filter(
        (k) => !acked.has(k) && !ledger.uncertain.get(group)?.has(k) && !ledger.drained.get(group)?.has(k) && !ledger.dead.get(group)?.has(k),
      );
      assert.deepEqual(missing, [], `${group}: every message not acked came back`);
    }
  } finally {
    removeDir(dir);
  }
});
