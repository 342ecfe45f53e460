/**
 * Broker: RocketMQ's BrokerController — the store, the managers, the request processors on a remoting
 * listener, and the background work (long polling, delayed delivery, client expiry, offset
 * persistence, registration with the name servers over TCP every 30 s and after every topic change).
 *
 *   const broker = await Broker.start({ storeRoot: 'data/store', config: { listenPort: 10911, namesrvAddrs: ['127.0.0.1:9876'] } });
 *   ...
 *   await broker.stop();
 */
import path from 'node:path';
import { BrokerOuterAPI, type BrokerRegistration } from './broker-outer-api';
import type { RemotingLogger } from '../remoting/remoting-channel';
import { silentLogger } from '../remoting/remoting-channel';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { RemotingServer } from '../remoting/remoting-server';
import type { TopicConfig } from '../remoting/protocol/route-data';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { MessageStore } from '../store/message-store';
import { parseDelayLevels, type MessageStoreConfig } from '../store/store-config';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig } from './broker-config';
import type { BrokerContext } from './broker-context';
import { BrokerStats } from './broker-stats';
import type { ClientChannelInfo } from './client/client-channel';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { ConsumerOffsetManager } from './config/consumer-offset-manager';
import { SubscriptionGroupManager } from './config/subscription-group-manager';
import { TopicConfigManager } from './config/topic-config-manager';
import { MessageClientIdSetter } from './message-client-id';
import { PopService } from './pop/pop-service';
import { adminBrokerProcessor } from './processor/admin-broker';
import { adminConsumerProcessor } from './processor/admin-consumer';
import { adminStatsProcessor } from './processor/admin-stats';
import { ConsumerFilterManager } from './filter/consumer-filter-manager';
import { clientManageProcessor } from './processor/client-manage';
import { consumerManageProcessor } from './processor/consumer-manage';
import { PullMessageProcessor } from './processor/pull-message';
import { SendMessageProcessor } from './processor/send-message';
import { PullRequestHoldService } from './pull-request-hold-service';
import { RebalanceLockManager } from './rebalance-lock-manager';
import { ScheduleMessageService } from './schedule-message-service';
import { createTopicInSendMessageMethod, type CreateFromDefaultOptions } from './topic-auto-create';
import { TraceService } from './trace/trace-service';
import { endTransactionProcessor } from './processor/end-transaction';
import { TransactionalMessageCheckService } from './transaction/transactional-message-check-service';
import { TransactionalMessageService } from './transaction/transactional-message-service';
import { TimerMessageStore } from './timer/timer-message-store';
import { TIMER_TOPIC } from './timer/timer-message';

/** Pulls parked for long polling at once, across all connections. */
export const heldPullsMax = 100_000;
/** Client expiry scan period, ms. */
const CLIENT_SCAN_INTERVAL_MS = 10_000;

export interface BrokerStartOptions {
  /** Store root: commitlog/, consumequeue/, index/, config/, checkpoint, abort. */
  storeRoot: string;
  /** Address the listener binds (default 127.0.0.1). */
  host?: string;
  config?: Partial<BrokerConfig>;
  store?: Partial<MessageStoreConfig>;
  logger?: RemotingLogger;
}

export class Broker {
  readonly ctx: BrokerContext;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopRegistration: (() => void) | undefined;
  /** The registration a topic change queued, while it is pending. */
  private pendingRegistration: Promise<void> | undefined;

  private constructor(
    readonly remoting: RemotingServer,
    ctx: BrokerContext,
    private readonly holds: PullRequestHoldService,
    readonly schedule: ScheduleMessageService,
    /** Pop consumption (RocketMQ 5's receive / ack / change-invisible), for the gRPC endpoint. */
    readonly pop: PopService,
    private readonly outerApi: BrokerOuterAPI,
    private readonly logger: RemotingLogger,
  ) {
    this.ctx = ctx;
  }

  static async start(options: BrokerStartOptions): Promise<Broker> {
    const logger = options.logger ?? silentLogger;
    const remoting = new RemotingServer({ logger });
    // Until the store is open every request is answered "busy" rather than half-served.
    remoting.registerDefaultProcessor((req) => createResponse(req, ResponseCode.SYSTEM_BUSY, { remark: 'broker is starting' }));
    const base = { ...DEFAULT_BROKER_CONFIG, ...options.config };
    await remoting.listen(base.listenPort, options.host ?? '127.0.0.1');
    const config: BrokerConfig = { ...base, listenPort: remoting.port };
    let store: MessageStore;
    try {
      store = await MessageStore.open(options.storeRoot, { ...options.store, storeHost: config.brokerIP, storePort: config.listenPort, uniqKeyAliasTopic: config.traceOn ? config.traceTopic : null });
    } catch (err) {
      await remoting.close();
      throw err;
    }
    const configDir = path.join(options.storeRoot, 'config');
    const ctx: BrokerContext = {
      config,
      store,
      topics: new TopicConfigManager(path.join(configDir, 'topics.json'), {
        clusterName: config.brokerClusterName,
        brokerName: config.brokerName,
        autoCreateTopicEnable: config.autoCreateTopicEnable,
        templateQueueNums: 8,
      }),
      groups: new SubscriptionGroupManager(path.join(configDir, 'subscriptionGroup.json'), config.autoCreateSubscriptionGroup),
      offsets: new ConsumerOffsetManager(path.join(configDir, 'consumerOffset.json')),
      consumers: new ConsumerManager(config.channelExpiredTimeout),
      filters: new ConsumerFilterManager(),
      producers: new ProducerManager(config.channelExpiredTimeout),
      locks: new RebalanceLockManager(config.rebalanceLockMaxLiveTime),
      stats: new BrokerStats(),
      delayLevelsMs: parseDelayLevels(store.config.messageDelayLevel),
      startedAt: Date.now(),
    };
    ctx.trace = new TraceService(ctx);
    ctx.transactions = new TransactionalMessageService(ctx);
    ctx.transactionCheck = new TransactionalMessageCheckService(ctx, ctx.transactions, logger);
    if (store.config.timerWheelEnable) {
      ctx.topics.createIfMissing(TIMER_TOPIC, 1);
      try {
        ctx.timer = TimerMessageStore.open(ctx);
      } catch (err) {
        await store.close();
        await remoting.close();
        throw err;
      }
    }
    const holds = new PullRequestHoldService(heldPullsMax);
    const schedule = new ScheduleMessageService(ctx, path.join(configDir, 'delayOffset.json'));
    const outerApi = new BrokerOuterAPI({ namesrvAddrs: config.namesrvAddrs, logger });
    const pop = new PopService(ctx);
    const broker = new Broker(remoting, ctx, holds, schedule, pop, outerApi, logger);
    broker.registerProcessors();
    broker.startServices();
    try {
      await pop.start();
    } catch (err) {
      await broker.stop();
      throw err;
    }
    await broker.registerNow();
    return broker;
  }

  get port(): number {
    return this.remoting.port;
  }

  /** "ip:port" clients are given in routes. */
  get address(): string {
    return `${this.ctx.config.brokerIP}:${this.ctx.config.listenPort}`;
  }

  /**
   * Creates `topic` from the default topic's settings as a first send would (createTopicInSendMessageMethod)
   * and resolves once the name servers were told, so a route lookup right after finds it. For the
   * RocketMQ 5 endpoint's QueryRoute; undefined when auto-creation does not apply (see topic-auto-create).
   */
  async createTopicFromDefault(topic: string, options: CreateFromDefaultOptions = {}): Promise<TopicConfig | undefined> {
    const existed = this.ctx.topics.get(topic);
    const config = createTopicInSendMessageMethod(this.ctx, topic, options);
    if (config && !existed) await this.pendingRegistration;
    return config;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stopRegistration?.();
    this.holds.stop();
    await this.pop.stop();
    await this.schedule.stop();
    await this.ctx.transactionCheck?.stop();
    await this.ctx.timer?.stop();
    await this.ctx.trace?.stop();
    this.ctx.offsets.persist();
    await this.outerApi.unregisterBrokerAll(this.registration());
    await this.outerApi.close();
    await this.remoting.close();
    await this.ctx.store.close();
  }

  private registerProcessors(): void {
    const { ctx, remoting } = this;
    const send = new SendMessageProcessor(ctx, new MessageClientIdSetter(ctx.config.brokerIP));
    const pull = new PullMessageProcessor(ctx, this.holds);
    remoting.registerProcessor(
      [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.CONSUMER_SEND_MSG_BACK],
      send,
    );
    remoting.registerProcessor(RequestCode.PULL_MESSAGE, (req, channel) => pull.processRequest(req, channel));
    remoting.registerProcessor(RequestCode.END_TRANSACTION, endTransactionProcessor(ctx));
    remoting.registerProcessor([RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT, RequestCode.CHECK_CLIENT_CONFIG], clientManageProcessor(ctx));
    remoting.registerProcessor(
      [
        RequestCode.QUERY_CONSUMER_OFFSET,
        RequestCode.UPDATE_CONSUMER_OFFSET,
        RequestCode.GET_CONSUMER_LIST_BY_GROUP,
        RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
        RequestCode.GET_MAX_OFFSET,
        RequestCode.GET_MIN_OFFSET,
        RequestCode.GET_EARLIEST_MSG_STORETIME,
      ],
      consumerManageProcessor(ctx),
    );
    remoting.registerProcessor(
      [
        RequestCode.UPDATE_AND_CREATE_TOPIC,
        RequestCode.DELETE_TOPIC_IN_BROKER,
        RequestCode.GET_ALL_TOPIC_CONFIG,
        RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
        RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
        RequestCode.DELETE_SUBSCRIPTIONGROUP,
        RequestCode.LOCK_BATCH_MQ,
        RequestCode.UNLOCK_BATCH_MQ,
        RequestCode.QUERY_MESSAGE,
        RequestCode.VIEW_MESSAGE_BY_ID,
        RequestCode.GET_TOPIC_CONFIG,
        RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG,
        RequestCode.GET_ALL_CONSUMER_OFFSET,
        RequestCode.GET_ALL_DELAY_OFFSET,
      ],
      adminBrokerProcessor(ctx, { delayOffsets: () => this.schedule.fileContent() }),
    );
    remoting.registerProcessor(
      [
        RequestCode.GET_TOPIC_STATS_INFO,
        RequestCode.GET_CONSUME_STATS,
        RequestCode.GET_CONSUMER_CONNECTION_LIST,
        RequestCode.GET_PRODUCER_CONNECTION_LIST,
        RequestCode.QUERY_TOPIC_CONSUME_BY_WHO,
        RequestCode.GET_BROKER_RUNTIME_INFO,
        RequestCode.GET_BROKER_CONFIG,
        RequestCode.UPDATE_BROKER_CONFIG,
        RequestCode.VIEW_BROKER_STATS_DATA,
        RequestCode.GET_TIMER_METRICS,
        RequestCode.GET_TIMER_CHECK_POINT,
        RequestCode.ROCKETDECK_GET_POP_DELIVERIES,
      ],
      adminStatsProcessor(ctx, this.pop),
    );
    remoting.registerProcessor(
      [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY],
      adminConsumerProcessor(ctx, { wakeHeldPulls: (topic, queueId) => this.holds.notifyMessageArriving(topic, queueId, Number.MAX_SAFE_INTEGER) }),
    );
    remoting.registerDefaultProcessor((req) =>
      createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: ` request type ${req.code} not supported` }),
    );
  }

  private startServices(): void {
    const { ctx } = this;
    ctx.store.addMessageArrivingListener((topic, queueId, maxOffset) => this.holds.notifyMessageArriving(topic, queueId, maxOffset));
    this.holds.start();
    this.schedule.start();
    ctx.transactionCheck?.start();
    ctx.timer?.start();
    ctx.trace?.start();
    ctx.consumers.on('idsChanged', (group: string, clients: ClientChannelInfo[]) => this.notifyConsumerIdsChanged(group, clients));
    this.remoting.on('channelClose', (channel) => {
      ctx.consumers.onChannelClose(channel);
      ctx.producers.onChannelClose(channel);
    });
    ctx.topics.on('changed', () => this.queueRegistration());
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.logger.warn(`broker: background task failed: ${(err as Error).message}`);
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(1000, () => ctx.stats.tick());
    every(CLIENT_SCAN_INTERVAL_MS, () => {
      ctx.consumers.scanExpired();
      ctx.producers.scanExpired();
    });
    every(ctx.config.flushConsumerOffsetInterval, () => {
      ctx.offsets.persist();
      this.schedule.persist();
    });
    this.stopRegistration = this.outerApi.startPeriodicRegistration(() => this.registration(), ctx.config.registerBrokerIntervalMs);
  }

  private registration(): BrokerRegistration {
    const c = this.ctx.config;
    return {
      clusterName: c.brokerClusterName,
      brokerName: c.brokerName,
      brokerAddr: this.address,
      brokerId: c.brokerId,
      haServerAddr: `${c.brokerIP}:${c.listenPort + 1}`,
      topicConfigWrapper: this.ctx.topics.wrapper(),
    };
  }

  private async registerNow(): Promise<void> {
    for (const o of await this.outerApi.registerBrokerAll(this.registration())) {
      if (!o.ok) this.logger.warn(`broker: register to ${o.namesrvAddr} failed: ${o.error}`);
    }
  }

  /** Topic changes re-register at once; changes made while a registration is queued share it. */
  private queueRegistration(): void {
    if (this.pendingRegistration) return;
    this.pendingRegistration = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.pendingRegistration = undefined;
      return this.registerNow();
    });
  }

  private notifyConsumerIdsChanged(group: string, clients: ClientChannelInfo[]): void {
    if (this.ctx.groups.get(group)?.notifyConsumerIdsChangedEnable === false) return;
    for (const client of clients) {
      const request: RemotingCommand = createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }, { oneway: true });
      client.channel.invokeOneway(request);
    }
  }
}
