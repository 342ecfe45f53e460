/**
 * The process users run (`npm start`: NODE_ENV=production node dist/server/main.js, console included),
 * started as a child on free ports and a temp data dir, for the end-to-end benchmark.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const SERVER_ENTRY = path.join(ROOT, 'dist/server/main.js');
const NEXT_BUILD_ID = path.join(ROOT, '.next/BUILD_ID');

const STARTED_LINE = /^rocketdeck .*: console (http:\/\/\S+), name server (\S+):(\d+), broker (\S+):(\d+), (?:grpc \S+:(\d+), )?data (.+)$/m;

export class BenchSetupError extends Error {
  override readonly name = 'BenchSetupError';
}

/**
 * Builds (npm run build) when dist/server/main.js or .next/BUILD_ID is missing; fails with a clear
 * message if the build fails or the build is too old to know `--flush-disk-type`.
 */
export function ensureBuild(log: (line: string) => void): void {
  const missing = [SERVER_ENTRY, NEXT_BUILD_ID].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    log(`build output missing (${missing.map((f) => path.relative(ROOT, f)).join(', ')}): running npm run build`);
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    if (r.status !== 0) throw new BenchSetupError(`npm run build failed (exit ${r.status ?? r.signal}); fix the build and run the benchmark again`);
    const still = [SERVER_ENTRY, NEXT_BUILD_ID].filter((f) => !fs.existsSync(f));
    if (still.length > 0) throw new BenchSetupError(`npm run build did not produce ${still.map((f) => path.relative(ROOT, f)).join(', ')}`);
  }
  const config = path.join(ROOT, 'dist/server/config.js');
  if (!fs.existsSync(config) || !fs.readFileSync(config, 'utf8').includes('--flush-disk-type')) {
    throw new BenchSetupError('dist/ predates --flush-disk-type: run `npm run build` and then the benchmark again');
  }
  const newest = newestMtime([path.join(ROOT, 'engine'), path.join(ROOT, 'server')]);
  if (newest > fs.statSync(SERVER_ENTRY).mtimeMs) log('warning: engine/ or server/ sources are newer than dist/ (measuring the last build)');
}

function newestMtime(dirs: string[]): number {
  let newest = 0;
  const stack = [...dirs];
  for (let guard = 0; stack.length > 0 && guard < 100_000; guard++) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  consoleUrl: string;
  namesrvAddr: string;
  brokerAddr: string;
  /** "host:port" of the RocketMQ 5 gRPC endpoint. */
  grpcAddr: string;
  dataDir: string;
  /** What the server printed so far (first 64 KiB). */
  output(): string;
  /** CPU seconds (user + sys) the server has used so far, from /proc (NaN where unavailable). */
  cpuSeconds(): number;
  /** SIGTERM, wait for exit, remove the data dir; returns the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Extra flags, e.g. ['--flush-disk-type', 'SYNC_FLUSH']. */
  args?: string[];
  /** Extra node flags for the child, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-e2e-'));
  const args = ['--console-port', '0', '--namesrv-port', '0', '--broker-port', '0', '--grpc-port', '0', '--data-dir', dataDir, ...(opts.args ?? [])];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), SERVER_ENTRY, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onOut = (d: Buffer): void => {
    if (out.length < 64 * 1024) out += d.toString();
  };
  proc.stdout!.on('data', onOut);
  proc.stderr!.on('data', onOut);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // If this process dies without stopping the server (a crash, an unhandled error), take it along.
  const killOnExit = (): void => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;

  let match: RegExpMatchArray;
  try {
    match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BenchSetupError(`server did not print its start-up line within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const check = (): void => {
        const m = STARTED_LINE.exec(out);
        if (m) {
          clearTimeout(timer);
          proc.stdout!.off('data', check);
          resolve(m);
        }
      };
      proc.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new BenchSetupError(`server exited with ${code} before starting:\n${out}`));
      });
    });
  } catch (err) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  const pid = proc.pid!;
  return {
    proc,
    pid,
    consoleUrl: match[1]!,
    namesrvAddr: `${match[2]}:${match[3]}`,
    brokerAddr: `${match[4]}:${match[5]}`,
    grpcAddr: `${match[4]}:${match[6] ?? 0}`,
    dataDir,
    output: () => out,
    cpuSeconds: () => processCpuSeconds(pid),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(killer);
      fs.rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** USER_HZ on Linux: the unit of /proc/<pid>/stat's CPU times. */
const clk = 100;

/** User + system CPU seconds of a live process (NaN once it is gone). */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clk;
  } catch {
    return NaN;
  }
}

export interface CannedBroker {
  /** Name server and broker address (the same). */
  addr: string;
  /** CPU seconds the responder has used: what the protocol alone costs a server that does no work. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** The no-store responder (canned-broker.ts) as a child process, for a client's ceiling. */
export function startCannedBroker(): Promise<CannedBroker> {
  return startCanned('canned-broker.ts', /^canned broker (\S+)$/m);
}

/** The gRPC MessagingService that stores nothing (bench/lib/canned-grpc.ts): the 5.x client's ceiling. */
export function startCannedGrpc(): Promise<CannedBroker> {
  return startCanned('canned-grpc.ts', /^canned grpc (\S+)$/m);
}

async function startCanned(script: string, ready: RegExp): Promise<CannedBroker> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const killOnExit = (): void => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let out = '';
  const addr = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchSetupError(`${script} did not start within 30 s:\n${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => reject(new BenchSetupError(`${script} exited before starting:\n${out}`)));
  });
  return {
    addr,
    cpuSeconds: () => processCpuSeconds(proc.pid),
    async stop() {
      proc.stdin!.end();
      await exited;
      process.off('exit', killOnExit);
    },
  };
}
