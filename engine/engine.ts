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
import path from 'node:path';
import { Broker } from './broker/broker';
import type { BrokerConfig } from './broker/broker-config';
import { GrpcMessagingServer } from './grpc/grpc-messaging-server';
import { NameServer } from './namesrv/name-server';
import type { RemotingServer } from './remoting/remoting-server';
import type { MessageStoreConfig } from './store/store-config';
import { ROCKETDECK_VERSION } from './version';

export interface EngineConfig {
  dataDir: string;
  host: string;
  namesrvPort: number;
  brokerPort: number;
  /** RocketMQ 5 gRPC endpoint (apache.rocketmq.v2.MessagingService); 0 or unset picks a free port. */
  grpcPort?: number;
  /** Brokers create unknown topics on a first send from the TBW102 template (embedded default: on). */
  autoCreateTopicEnable?: boolean;
  /** The name server answers unknown topics with TBW102's route (for ali-ons, which has no fallback); default off. */
  defaultRouteForUnknownTopics?: boolean;
  /** Broker settings beyond the ones derived from the above. */
  broker?: Partial<BrokerConfig>;
  store?: Partial<MessageStoreConfig>;
}
export type ListenerName = 'namesrv' | 'broker' | 'grpc';

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

const LISTENER_LABEL: Record<ListenerName, string> = { namesrv: 'name server port', broker: 'broker port', grpc: 'grpc port' };

export class BrokerEngine {
  readonly instanceId = randomUUID();
  readonly config: Readonly<EngineConfig>;
  private startedAt = 0;
  private namesrv: NameServer | undefined;
  private brokerInstance: Broker | undefined;
  private grpcServer: GrpcMessagingServer | undefined;

  constructor(config: EngineConfig) {
    this.config = { ...config, dataDir: path.resolve(config.dataDir) };
  }

  get started(): boolean {
    return this.startedAt !== 0;
  }

  /** The RocketMQ 5 gRPC endpoint (undefined until started). */
  get grpc(): GrpcMessagingServer | undefined {
    return this.grpcServer;
  }

  /** The co-hosted broker (undefined until started). */
  get broker(): Broker | undefined {
    return this.brokerInstance;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('engine already started');
    const { dataDir, host } = this.config;
    ensureWritableDir(dataDir);
    const autoCreate = this.config.autoCreateTopicEnable ?? true;
    try {
      // The name server creates no topics: the broker does, on a first send naming TBW102 (see topic-auto-create).
      this.namesrv = new NameServer({ defaultRouteForUnknownTopics: this.config.defaultRouteForUnknownTopics ?? false });
      await listenOrExplain('namesrv', host, this.config.namesrvPort, () => this.namesrv!.start(host, this.config.namesrvPort));
      const advertised = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      this.brokerInstance = await listenOrExplain('broker', host, this.config.brokerPort, () =>
        Broker.start({
          storeRoot: path.join(dataDir, 'store'),
          host,
          store: this.config.store,
          config: {
            autoCreateTopicEnable: autoCreate,
            brokerIP: advertised,
            ...this.config.broker,
            listenPort: this.config.brokerPort,
            namesrvAddrs: [`${advertised}:${this.namesrv!.port}`],
          },
        }),
      );
      await this.startGrpc(host, advertised);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.startedAt = Date.now();
  }

  /** The gRPC endpoint: an adapter over the broker's services (pop consumption included). */
  private async startGrpc(host: string, advertised: string): Promise<void> {
    const broker = this.brokerInstance!;
    const port = this.config.grpcPort ?? 0;
    this.grpcServer = await listenOrExplain('grpc', host, port, () =>
      GrpcMessagingServer.start({
        ctx: broker.ctx, pop: broker.pop, host, port, advertisedHost: advertised,
        createTopicFromDefault: (topic) => broker.createTopicFromDefault(topic),
      }),
    );
  }

  /** Stops the gRPC endpoint, the broker (flushing the store) and then the name server; idempotent. */
  async stop(): Promise<void> {
    const broker = this.brokerInstance;
    const namesrv = this.namesrv;
    const grpc = this.grpcServer;
    this.brokerInstance = undefined;
    this.namesrv = undefined;
    this.grpcServer = undefined;
    await grpc?.stop();
    await broker?.stop();
    await namesrv?.stop();
    this.startedAt = 0;
  }

  status(): EngineStatus {
    const listeners: ListenerInfo[] = [];
    const add = (name: ListenerName, server: RemotingServer | undefined) => {
      if (server) listeners.push({ name, host: this.config.host, port: server.port, connections: server.channels.size });
    };
    add('namesrv', this.namesrv?.remotingServer);
    add('broker', this.brokerInstance?.remoting);
    if (this.grpcServer) listeners.push({ name: 'grpc', host: this.config.host, port: this.grpcServer.port, connections: this.grpcServer.connections });
    return {
      instanceId: this.instanceId,
      version: ROCKETDECK_VERSION,
      pid: process.pid,
      dataDir: this.config.dataDir,
      startedAt: this.startedAt,
      uptimeMs: this.started ? Date.now() - this.startedAt : 0,
      listeners,
    };
  }
}

/** Runs a listener start, turning "address in use" and friends into a one-line EngineStartError. */
async function listenOrExplain<T>(name: ListenerName, host: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    const why = code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message;
    throw new EngineStartError(`cannot listen on ${host}:${port} (${LISTENER_LABEL[name]}): ${why}`, { cause: err });
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
