/**
 * BrokerOuterAPI: how a broker talks to name servers (RocketMQ `BrokerOuterAPI`) — over TCP with
 * the remoting client, the same path a remote broker takes, also when the name server is co-hosted.
 *
 *   const api = new BrokerOuterAPI({ namesrvAddrs: ['127.0.0.1:9876'] });
 *   const stop = api.startPeriodicRegistration(() => ({ clusterName, brokerName, brokerAddr, brokerId: 0,
 *     topicConfigWrapper: topicConfigManager.buildSerializeWrapper() }));
 *   ...
 *   stop(); await api.unregisterBrokerAll(...); await api.close();
 */
import { brokerRegisterIntervalMs, registerBrokerTimeoutMs } from '../remoting/limits';
import { encodeJsonBody } from '../remoting/protocol/json-body';
import type { RegisterBrokerBody, TopicConfigSerializeWrapper } from '../remoting/protocol/route-data';
import type { RemotingLogger } from '../remoting/remoting-channel';
import { silentLogger } from '../remoting/remoting-channel';
import { RemotingClient } from '../remoting/remoting-client';
import { createRequest } from '../remoting/remoting-command';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';

export interface BrokerRegistration {
  clusterName: string;
  brokerName: string;
  /** "ip:port" clients can reach. */
  brokerAddr: string;
  /** 0 = master. */
  brokerId: number;
  haServerAddr?: string;
  /** Expiry the name server should apply to this broker (default: its own, 120 s). */
  heartbeatTimeoutMillis?: number;
  enableActingMaster?: boolean;
  topicConfigWrapper: TopicConfigSerializeWrapper;
  filterServerList?: string[];
}

export interface RegisterBrokerOutcome {
  namesrvAddr: string;
  ok: boolean;
  masterAddr?: string;
  haServerAddr?: string;
  error?: string;
}

export interface BrokerOuterAPIOptions {
  namesrvAddrs: string[];
  /** Share a client (e.g. the broker's); by default one is created and owned. */
  client?: RemotingClient;
  timeoutMs?: number;
  logger?: RemotingLogger;
}

export class BrokerOuterAPI {
  private namesrvAddrs: string[];
  private readonly client: RemotingClient;
  private readonly ownsClient: boolean;
  private readonly timeoutMs: number;
  private readonly logger: RemotingLogger;

  constructor(options: BrokerOuterAPIOptions) {
    this.namesrvAddrs = [...options.namesrvAddrs];
    this.ownsClient = !options.client;
    this.client = options.client ?? new RemotingClient({ logger: options.logger });
    this.timeoutMs = options.timeoutMs ?? registerBrokerTimeoutMs;
    this.logger = options.logger ?? silentLogger;
  }

  updateNameServerAddressList(addrs: string[]): void {
    this.namesrvAddrs = [...addrs];
  }

  /** REGISTER_BROKER to every name server at once; never rejects, reports each outcome. */
  async registerBrokerAll(reg: BrokerRegistration): Promise<RegisterBrokerOutcome[]> {
    const body: RegisterBrokerBody = {
      filterServerList: reg.filterServerList ?? [],
      topicConfigSerializeWrapper: reg.topicConfigWrapper,
    };
    const bodyBytes = encodeJsonBody(body);
    const header = {
      brokerAddr: reg.brokerAddr,
      brokerId: reg.brokerId,
      brokerName: reg.brokerName,
      clusterName: reg.clusterName,
      haServerAddr: reg.haServerAddr ?? '',
      compressed: false,
      heartbeatTimeoutMillis: reg.heartbeatTimeoutMillis,
      enableActingMaster: reg.enableActingMaster,
    };
    return Promise.all(
      this.namesrvAddrs.map(async (addr): Promise<RegisterBrokerOutcome> => {
        try {
          const res = await this.client.invoke(addr, createRequest(RequestCode.REGISTER_BROKER, header, { body: bodyBytes }), this.timeoutMs);
          if (res.code !== ResponseCode.SUCCESS) return { namesrvAddr: addr, ok: false, error: `code ${res.code}: ${res.remark ?? ''}` };
          const outcome: RegisterBrokerOutcome = { namesrvAddr: addr, ok: true };
          if (res.extFields.masterAddr) outcome.masterAddr = res.extFields.masterAddr;
          if (res.extFields.haServerAddr) outcome.haServerAddr = res.extFields.haServerAddr;
          return outcome;
        } catch (err) {
          return { namesrvAddr: addr, ok: false, error: (err as Error).message };
        }
      }),
    );
  }

  /** UNREGISTER_BROKER to every name server; never rejects. */
  async unregisterBrokerAll(reg: Pick<BrokerRegistration, 'clusterName' | 'brokerName' | 'brokerAddr' | 'brokerId'>): Promise<RegisterBrokerOutcome[]> {
    const header = { brokerAddr: reg.brokerAddr, brokerId: reg.brokerId, brokerName: reg.brokerName, clusterName: reg.clusterName };
    return Promise.all(
      this.namesrvAddrs.map(async (addr): Promise<RegisterBrokerOutcome> => {
        try {
          const res = await this.client.invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, header), this.timeoutMs);
          return res.code === ResponseCode.SUCCESS ? { namesrvAddr: addr, ok: true } : { namesrvAddr: addr, ok: false, error: `code ${res.code}` };
        } catch (err) {
          return { namesrvAddr: addr, ok: false, error: (err as Error).message };
        }
      }),
    );
  }

  /**
   * Registers now and then every `intervalMs` (default 30 s) with a fresh registration from
   * `current()` (topic configs change between rounds). Rounds never overlap. Returns `stop`.
   */
  startPeriodicRegistration(current: () => BrokerRegistration, intervalMs = brokerRegisterIntervalMs): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const round = async (): Promise<void> => {
      try {
        const outcomes = await this.registerBrokerAll(current());
        for (const o of outcomes) if (!o.ok) this.logger.warn(`broker: register to ${o.namesrvAddr} failed: ${o.error}`);
      } catch (err) {
        this.logger.warn(`broker: registration round failed: ${(err as Error).message}`);
      }
      if (!stopped) {
        timer = setTimeout(() => void round(), intervalMs);
        timer.unref();
      }
    };
    void round();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}
