import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrashRounds } from './crash-harness';
import { tempDir, removeDir } from '../../engine/store/store-test-helpers';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);

test(`SIGKILL a sync-flush appender ${ROUNDS} times: every acknowledged message survives intact`, { timeout: 600_000 }, async () => {
  const dir = tempDir('rd-crash-');
  try {
    const verified = await runCrashRounds(dir, ROUNDS);
    assert.ok(verified > ROUNDS * 5, `only ${verified} acknowledged messages were exercised`);
  } finally {
    removeDir(dir);
  }
});

test(`SIGKILL an async-flush appender ${ROUNDS} times: every message acknowledged (written to the OS) survives intact`, { timeout: 600_000 }, async () => {
  const dir = tempDir('rd-crash-async-');
  try {
    const verified = await runCrashRounds(dir, ROUNDS, undefined, 'ASYNC_FLUSH');
    assert.ok(verified > ROUNDS * 5, `only ${verified} acknowledged messages were exercised`);
  } finally {
    removeDir(dir);
  }
});
