/**
 * NameServer: RocketMQ's name server (NamesrvController) — a RemotingServer with the name server
 * processor table, a RouteInfoManager, a KV config store, and the 5 s expiry scan.
 *
 *   const ns = new NameServer();
 *   await ns.start('127.0.0.1', 9876);   // port 0 = ephemeral; read ns.port
 *   ...
 *   await ns.stop();
 *
 * Brokers register over TCP (REGISTER_BROKER every 30 s); a broker missing registrations for
 * 120 s (or its own heartbeatTimeoutMillis), or whose registration connection closes, drops out
 * together with its queues.
 */
import { brokerScanIntervalMs } from '../remoting/limits';
import type { RemotingChannel, RemotingLogger } from '../remoting/remoting-channel';
import { silentLogger } from '../remoting/remoting-channel';
import { RemotingServer, type RemotingServerOptions } from '../remoting/remoting-server';
import { RequestCode } from '../remoting/request-code';
import * as admin from './admin-request-processor';
import * as broker from './broker-request-processor';
import { getRouteInfoByTopic } from './client-request-processor';
import { KvConfigManager } from './kv-config-manager';
import { RouteInfoManager } from './route-info-manager';

export interface NameServerOptions {
  /** Answer GET_ALL_TOPIC_LIST_FROM_NAMESERVER (default true). */
  enableAllTopicList?: boolean;
  /** Broker expiry when the broker does not say (default 120 s). */
  brokerChannelExpiredMs?: number;
  /** Expiry scan period (default 5 s). */
  scanIntervalMs?: number;
  /** Time source (tests). */
  clock?: () => number;
  logger?: RemotingLogger;
  /**
   * Answer a route lookup for an unknown topic with the default topic's (TBW102) route, for clients that
   * cannot fall back to it themselves (ali-ons); off by default, as in RocketMQ (TOPIC_NOT_EXIST).
   */
  defaultRouteForUnknownTopics?: boolean;
  /** Frame limit, idle timeout, backpressure marks of the listener. */
  remoting?: RemotingServerOptions;
}

export class NameServer {
  readonly routeInfoManager: RouteInfoManager;
  readonly kvConfigManager = new KvConfigManager();
  readonly remotingServer: RemotingServer;
  private scanTimer: NodeJS.Timeout | undefined;
  private readonly logger: RemotingLogger;

  constructor(private readonly options: NameServerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.routeInfoManager = new RouteInfoManager({ clock: options.clock, brokerChannelExpiredMs: options.brokerChannelExpiredMs });
    this.remotingServer = new RemotingServer({ logger: this.logger, ...options.remoting });
    this.registerProcessors();
    this.remotingServer.on('channelClose', (channel: RemotingChannel) => {
      const removed = this.routeInfoManager.onChannelDestroy(channel.id);
      if (removed.length > 0) this.logger.info?.(`namesrv: connection closed, removed brokers ${removed.join(', ')}`);
    });
  }

  private registerProcessors(): void {
    const ctx: broker.NamesrvContext = { routes: this.routeInfoManager, kv: this.kvConfigManager };
    const allTopicList = this.options.enableAllTopicList ?? true;
    const s = this.remotingServer;
    s.registerProcessor(RequestCode.REGISTER_BROKER, (req, ch) => broker.registerBroker(ctx, req, ch));
    s.registerProcessor(RequestCode.UNREGISTER_BROKER, (req) => broker.unregisterBroker(ctx, req));
    s.registerProcessor(RequestCode.QUERY_DATA_VERSION, (req) => broker.queryDataVersion(ctx, req));
    s.registerProcessor(RequestCode.BROKER_HEARTBEAT, (req) => broker.brokerHeartbeat(ctx, req));
    s.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => getRouteInfoByTopic(ctx, req, this.options));
    s.registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, (req) => admin.getBrokerClusterInfo(ctx, req));
    s.registerProcessor(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (req) => admin.getAllTopicList(ctx, allTopicList, req));
    s.registerProcessor(RequestCode.GET_TOPICS_BY_CLUSTER, (req) => admin.getTopicsByCluster(ctx, req));
    s.registerProcessor(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, (req) => admin.getSystemTopicList(ctx, req));
    s.registerProcessor(RequestCode.DELETE_TOPIC_IN_NAMESRV, (req) => admin.deleteTopicInNamesrv(ctx, req));
    s.registerProcessor(RequestCode.WIPE_WRITE_PERM_OF_BROKER, (req) => admin.wipeWritePermOfBroker(ctx, req));
    s.registerProcessor(RequestCode.ADD_WRITE_PERM_OF_BROKER, (req) => admin.addWritePermOfBroker(ctx, req));
    s.registerProcessor(RequestCode.PUT_KV_CONFIG, (req) => admin.putKvConfig(ctx, req));
    s.registerProcessor(RequestCode.GET_KV_CONFIG, (req) => admin.getKvConfig(ctx, req));
    s.registerProcessor(RequestCode.DELETE_KV_CONFIG, (req) => admin.deleteKvConfig(ctx, req));
    s.registerProcessor(RequestCode.GET_KVLIST_BY_NAMESPACE, (req) => admin.getKvListByNamespace(ctx, req));
  }

  /** Listens (default 127.0.0.1:9876; port 0 = ephemeral) and starts the expiry scan. */
  async start(host = '127.0.0.1', port = 9876): Promise<void> {
    await this.remotingServer.listen(port, host);
    const period = this.options.scanIntervalMs ?? brokerScanIntervalMs;
    this.scanTimer = setInterval(() => {
      const removed = this.routeInfoManager.scanNotActiveBroker();
      if (removed.length > 0) this.logger.warn(`namesrv: brokers expired: ${removed.join(', ')}`);
    }, period);
    this.scanTimer.unref();
  }

  /** Stops the scan, closes every connection and the listener. */
  async stop(): Promise<void> {
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = undefined;
    await this.remotingServer.close();
  }

  get port(): number {
    return this.remotingServer.port;
  }

  /** "host:port" clients and brokers should use. */
  get address(): string {
    return `${this.remotingServer.host}:${this.remotingServer.port}`;
  }
}
