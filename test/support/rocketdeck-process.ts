/**
 * Starts the real RocketDeck process (the compiled server users run, `dist/server/main.js`) on ephemeral
 * ports and a temp data dir, for integration tests. Needs `npm run build` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SERVER_ENTRY = path.resolve(__dirname, '../../dist/server/main.js');

export interface RocketDeckProcess {
  proc: ChildProcess;
  consoleUrl: string;
  namesrvPort: number;
  brokerPort: number;
  /** The RocketMQ 5 gRPC endpoint. */
  grpcPort: number;
  dataDir: string;
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for the process to be gone; the data dir is kept. */
  kill(): Promise<void>;
}

export interface ExitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const STARTED_LINE = /console (http:\/\/\S+), name server \S+:(\d+), broker \S+:(\d+), (?:grpc \S+:(\d+), )?data (.+)$/m;

export function requireBuild(): void {
  if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` before the integration tests`);
}

type Env = Record<string, string | undefined>;

export function spawnServer(args: string[], env: Env = {}): ChildProcess {
  requireBuild();
  const childEnv: Env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env };
  childEnv.NODE_ENV = 'production';
  return spawn(process.execPath, [SERVER_ENTRY, ...args], {
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startRocketDeck(extraArgs: string[] = [], opts: { dataDir?: string } = {}): Promise<RocketDeckProcess> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rd-it-'));
  const ownsDir = opts.dataDir === undefined;
  const proc = spawnServer(['--data-dir', dataDir, '--console-port', '0', '--namesrv-port', '0', '--broker-port', '0', '--grpc-port', '0', ...extraArgs]);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = STARTED_LINE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${out}`));
    });
  });

  return {
    proc,
    consoleUrl: match[1]!,
    namesrvPort: Number(match[2]),
    brokerPort: Number(match[3]),
    grpcPort: Number(match[4] ?? 0),
    dataDir,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const code = await exited;
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** A port that was free a moment ago (for restarts that must come back on the same ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs the server expecting it to exit by itself (start-up failures). */
export function runToExit(args: string[], env: Env = {}, timeoutMs = 20_000): Promise<ExitResult> {
  const proc = spawnServer(args, env);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not exit in ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
