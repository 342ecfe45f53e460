/**
 * The apache.rocketmq.v2 messages the adapter reads and writes, as proto-loader represents them (see
 * proto-loader.ts): only the fields used here. Incoming messages have every non-optional field set
 * (defaults) and nested messages null when absent; outgoing ones may leave fields out.
 */
import type { Status } from './grpc-status';

export interface Resource {
  resourceNamespace?: string;
  name: string;
}
export interface Duration {
  seconds: number;
  nanos: number;
}
export type Timestamp = Duration;
export interface Address {
  host: string;
  port: number;
}
export type AddressScheme = 'ADDRESS_SCHEME_UNSPECIFIED' | 'IPv4' | 'IPv6' | 'DOMAIN_NAME';
export interface Endpoints {
  scheme: AddressScheme;
  addresses: Address[];
}
export type Permission = 'PERMISSION_UNSPECIFIED' | 'NONE' | 'READ' | 'WRITE' | 'READ_WRITE';
export type MessageType = 'MESSAGE_TYPE_UNSPECIFIED' | 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION' | 'LITE' | 'PRIORITY';
export type ClientType = 'CLIENT_TYPE_UNSPECIFIED' | 'PRODUCER' | 'PUSH_CONSUMER' | 'SIMPLE_CONSUMER' | 'PULL_CONSUMER' | 'LITE_PUSH_CONSUMER' | 'LITE_SIMPLE_CONSUMER';
export interface Broker {
  name: string;
  id: number;
  endpoints: Endpoints;
}
export interface MessageQueue {
  topic: Resource;
  id: number;
  permission: Permission;
  broker: Broker;
  acceptMessageTypes: MessageType[];
}
export interface Digest {
  type: 'CRC32' | 'MD5' | 'SHA1';
  checksum: string;
}
export interface SystemProperties {
  tag?: string;
  keys: string[];
  messageId: string;
  bodyDigest?: Digest | null;
  bodyEncoding?: 'ENCODING_UNSPECIFIED' | 'IDENTITY' | 'GZIP';
  messageType?: MessageType;
  bornTimestamp?: Timestamp | null;
  bornHost?: string;
  storeTimestamp?: Timestamp | null;
  storeHost?: string;
  deliveryTimestamp?: Timestamp | null;
  receiptHandle?: string;
  queueId?: number;
  queueOffset?: number;
  invisibleDuration?: Duration | null;
  deliveryAttempt?: number;
  messageGroup?: string;
  traceContext?: string;
  orphanedTransactionRecoveryDuration?: Duration | null;
  /** Virtual oneof fields of proto3 `optional`: present when the field was set. */
  _tag?: string;
  _deliveryTimestamp?: string;
  _messageGroup?: string;
}
export interface Message {
  topic: Resource | null;
  userProperties: Record<string, string>;
  systemProperties: SystemProperties | null;
  body: Buffer;
}
export interface FilterExpression {
  type: 'FILTER_TYPE_UNSPECIFIED' | 'TAG' | 'SQL';
  expression: string;
}
export interface SubscriptionEntry {
  topic: Resource | null;
  expression: FilterExpression | null;
}
export interface RetryPolicy {
  maxAttempts: number;
  exponentialBackoff?: { initial: Duration; max: Duration; multiplier: number };
  customizedBackoff?: { next: Duration[] };
}
export interface Publishing {
  topics: Resource[];
  maxBodySize: number;
  validateMessageType: boolean;
}
export interface Subscription {
  group?: Resource | null;
  subscriptions: SubscriptionEntry[];
  fifo?: boolean;
  receiveBatchSize?: number;
  longPollingTimeout?: Duration | null;
}
export interface UA {
  language: string;
  version: string;
  platform: string;
  hostname: string;
}
export interface Settings {
  clientType?: ClientType;
  accessPoint?: Endpoints | null;
  backoffPolicy?: RetryPolicy | null;
  requestTimeout?: Duration | null;
  publishing?: Publishing | null;
  subscription?: Subscription | null;
  userAgent?: UA | null;
  pubSub?: 'publishing' | 'subscription';
}
export interface TelemetryCommand {
  status?: Status | null;
  settings?: Settings | null;
  recoverOrphanedTransactionCommand?: { message: Message; transactionId: string };
  command?: string;
}

export interface QueryRouteRequest {
  topic: Resource | null;
  endpoints: Endpoints | null;
}
export interface QueryAssignmentRequest {
  topic: Resource | null;
  group: Resource | null;
  endpoints: Endpoints | null;
}
export interface HeartbeatRequest {
  group?: Resource | null;
  clientType: ClientType;
}
export interface NotifyClientTerminationRequest {
  group?: Resource | null;
}
export interface SendMessageRequest {
  messages: Message[];
}
export interface SendResultEntry {
  status: Status;
  messageId: string;
  transactionId: string;
  offset: number;
  recallHandle?: string;
}
export interface ReceiveMessageRequest {
  group: Resource | null;
  messageQueue: MessageQueue | null;
  filterExpression: FilterExpression | null;
  batchSize: number;
  invisibleDuration?: Duration | null;
  autoRenew: boolean;
  longPollingTimeout?: Duration | null;
  _invisibleDuration?: string;
  _longPollingTimeout?: string;
}
export interface AckMessageRequest {
  group: Resource | null;
  topic: Resource | null;
  entries: { messageId: string; receiptHandle: string }[];
}
export interface ChangeInvisibleDurationRequest {
  group: Resource | null;
  topic: Resource | null;
  receiptHandle: string;
  invisibleDuration: Duration | null;
  messageId: string;
}
export interface ForwardMessageToDeadLetterQueueRequest {
  group: Resource | null;
  topic: Resource | null;
  receiptHandle: string;
  messageId: string;
  deliveryAttempt: number;
  maxDeliveryAttempts: number;
}
export interface EndTransactionRequest {
  topic: Resource | null;
  messageId: string;
  transactionId: string;
  resolution: 'TRANSACTION_RESOLUTION_UNSPECIFIED' | 'COMMIT' | 'ROLLBACK';
  source: 'SOURCE_UNSPECIFIED' | 'SOURCE_CLIENT' | 'SOURCE_SERVER_CHECK';
  traceContext: string;
}

export function durationToMs(d: Duration | null | undefined): number {
  if (!d) return 0;
  return d.seconds * 1000 + Math.floor(d.nanos / 1e6);
}

export function msToDuration(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

export const msToTimestamp = msToDuration;
export const timestampToMs = durationToMs;
