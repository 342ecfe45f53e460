/**
 * Loopback TCP bandwidth between two processes: a sink in a child process counts bytes, this process
 * pushes 1 MiB writes (respecting back-pressure) for `durationMs`, then ends the stream. The figure is
 * the sink's count over the sink's time from first byte to end of stream, in MiB/s.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

const SINK = `
const net = require('node:net');
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  let bytes = 0;
  let t0 = 0n;
  socket.on('data', (d) => {
    if (t0 === 0n) t0 = process.hrtime.bigint();
    bytes += d.length;
  });
  socket.on('end', () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ bytes, seconds }) + '\\n');
    socket.end();
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
setTimeout(() => process.exit(2), 60000).unref();
`;

export interface LoopbackResult {
  mibPerSec: number;
  bytes: number;
  seconds: number;
}

export async function measureLoopback(durationMs = 2000, chunkBytes = 1024 * 1024): Promise<LoopbackResult> {
  const child = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    let i;
    while ((i = partial.indexOf('\n')) >= 0) {
      lines.push(partial.slice(0, i));
      partial = partial.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const nextLine = async (): Promise<Record<string, number>> => {
    const deadline = Date.now() + 30_000;
    while (lines.length === 0) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('loopback sink did not answer');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return JSON.parse(lines.shift()!) as Record<string, number>;
  };
  try {
    const { port } = await nextLine();
    const socket = net.connect({ host: '127.0.0.1', port: port!, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const chunk = Buffer.alloc(chunkBytes, 0x5a);
    const end = Date.now() + durationMs;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const pump = (): void => {
        while (Date.now() < end) {
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end(() => resolve());
      };
      pump();
    });
    const { bytes, seconds } = await nextLine();
    socket.destroy();
    return { mibPerSec: bytes! / (1024 * 1024) / seconds!, bytes: bytes!, seconds: seconds! };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}
