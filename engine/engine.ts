/**
 * BrokerEngine: the co-hosted broker as one object the process starts and stops.
 *
 * It owns the data directory (created and probed for writability before anything listens), the start time,
 * and the TCP listeners of the name server and the broker. Everything it binds defaults to 127.0.0.1.
 * Later pieces (store, remoting processors, name server) hang off this object; the server process only
 * ever sees it through `engine/index.ts`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROCKETDECK_VERSION } from './version';

export interface EngineConfig {
  dataDir: string;
  host: string;
  namesrvPort: number;
  brokerPort: number;
}

export type ListenerName = 'namesrv' | 'broker';

export interface ListenerInfo {
  name: ListenerName;
  host: string;
  port: number;
  connections: number;
}

export interface EngineStatus {
  instanceId: string;
  version: string;
  pid: number;
  dataDir: string;
  startedAt: number;
  uptimeMs: number;
  listeners: ListenerInfo[];
}

/** A start-up failure the process reports as one line and exits on. */
export class EngineStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineStartError';
  }
}

const LISTENER_LABEL: Record<ListenerName, string> = { namesrv: 'name server port', broker: 'broker port' };

export class BrokerEngine {
  readonly instanceId = randomUUID();
  readonly config: Readonly<EngineConfig>;
  private startedAt = 0;
  private readonly servers = new Map<ListenerName, { server: net.Server; sockets: Set<net.Socket> }>();

  constructor(config: EngineConfig) {
    this.config = { ...config, dataDir: path.resolve(config.dataDir) };
  }

  get started(): boolean {
    return this.startedAt !== 0;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('engine already started');
    ensureWritableDir(this.config.dataDir);
    try {
      await this.listen('namesrv', this.config.namesrvPort);
      await this.listen('broker', this.config.brokerPort);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.startedAt = Date.now();
  }

  /** Closes listeners and connections; idempotent. */
  async stop(): Promise<void> {
    const closing = [...this.servers.values()].map(({ server, sockets }) => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    this.servers.clear();
    await Promise.all(closing);
    this.startedAt = 0;
  }

  status(): EngineStatus {
    return {
      instanceId: this.instanceId,
      version: ROCKETDECK_VERSION,
      pid: process.pid,
      dataDir: this.config.dataDir,
      startedAt: this.startedAt,
      uptimeMs: this.started ? Date.now() - this.startedAt : 0,
      listeners: [...this.servers.entries()].map(([name, { server, sockets }]) => ({
        name,
        host: this.config.host,
        port: (server.address() as net.AddressInfo).port,
        connections: sockets.size,
      })),
    };
  }

  private listen(name: ListenerName, port: number): Promise<void> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.message;
        reject(new EngineStartError(`cannot listen on ${this.config.host}:${port} (${LISTENER_LABEL[name]}): ${why}`, { cause: err }));
      });
      server.listen(port, this.config.host, () => {
        this.servers.set(name, { server, sockets });
        resolve();
      });
    });
  }
}

/** Creates the directory if needed and proves we can write, fsync and delete a file in it. */
function ensureWritableDir(dir: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(probe, 'w');
    try {
      fs.writeSync(fd, 'ok');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EngineStartError(`data dir ${dir} is not writable (${code})`, { cause: err });
  }
}
