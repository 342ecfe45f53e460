/**
 * Long crash run (npm run test:long): 200 SIGKILL rounds (CRASH_ROUNDS overrides). Exits non-zero
 * on the first lost or damaged acknowledged message.
 */
import { runCrashRounds } from './crash-harness';
import { tempDir, removeDir } from '../../engine/store/store-test-helpers';

async function main(): Promise<void> {
  const rounds = Number(process.env.CRASH_ROUNDS ?? 200);
  const dir = tempDir('rd-crash-long-');
  const t0 = Date.now();
  try {
    const verified = await runCrashRounds(dir, rounds, (s) => process.stdout.write(s + '\n'));
    process.stdout.write(`OK: ${rounds} rounds, ${verified} acknowledged messages verified in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } finally {
    removeDir(dir);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
