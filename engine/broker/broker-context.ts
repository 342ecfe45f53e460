/** What every request processor of the broker works with. */
import type { MessageStore } from '../store/message-store';
import type { BrokerConfig } from './broker-config';
import type { BrokerStats } from './broker-stats';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import type { ConsumerOffsetManager } from './config/consumer-offset-manager';
import type { SubscriptionGroupManager } from './config/subscription-group-manager';
import type { TopicConfigManager } from './config/topic-config-manager';
import type { RebalanceLockManager } from './rebalance-lock-manager';
import type { TraceService } from './trace/trace-service';
import type { TransactionalMessageCheckService } from './transaction/transactional-message-check-service';
import type { TransactionalMessageService } from './transaction/transactional-message-service';
import type { TimerMessageStore } from './timer/timer-message-store';

export interface BrokerContext {
  config: BrokerConfig;
  store: MessageStore;
  topics: TopicConfigManager;
  groups: SubscriptionGroupManager;
  offsets: ConsumerOffsetManager;
  consumers: ConsumerManager;
  producers: ProducerManager;
  locks: RebalanceLockManager;
  stats: BrokerStats;
  /** Delay levels in ms, index = level − 1. */
  delayLevelsMs: readonly number[];
  startedAt: number;
  /** Broker-side message tracing (set once the broker is built). */
  trace?: TraceService;
  /** Transactional messages: prepare, end, and the check-back service (set once the broker is built). */
  transactions?: TransactionalMessageService;
  transactionCheck?: TransactionalMessageCheckService;
  /** Timer messages (rmq_sys_wheel_timer); set once the broker is built. */
  timer?: TimerMessageStore;
}
