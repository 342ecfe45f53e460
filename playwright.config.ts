import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// One real RocketDeck process for the run, on random ports and a fresh data dir. The values go through
// process.env so that Playwright's worker processes (which re-read this file) see the same ones.
const env = process.env;
env.E2E_CONSOLE_PORT ??= String(randomPort());
env.E2E_NAMESRV_PORT ??= String(randomPort());
env.E2E_BROKER_PORT ??= String(randomPort());
env.E2E_GRPC_PORT ??= String(randomPort());
env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rocketdeck-e2e-'));

const baseURL = `http://127.0.0.1:${env.E2E_CONSOLE_PORT}`;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  globalTeardown: './e2e/global-teardown.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: [
      'node dist/server/main.js',
      `--data-dir ${env.E2E_DATA_DIR}`,
      `--console-port ${env.E2E_CONSOLE_PORT}`,
      `--namesrv-port ${env.E2E_NAMESRV_PORT}`,
      `--broker-port ${env.E2E_BROKER_PORT}`,
      `--grpc-port ${env.E2E_GRPC_PORT}`,
    ].join(' '),
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // Metrics sampled (and alert rules evaluated) every 2 s, so alert tests fire within a test's time.
    env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ROCKETDECK_SAMPLE_INTERVAL_MS: '2000' },
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 40_000);
}
