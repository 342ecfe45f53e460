/**
 * Limits of the remoting layer and the name server, in one place, each with its unit and why.
 * Values follow Apache RocketMQ's defaults unless the comment says otherwise.
 */

/** Largest frame accepted, counting the 4-byte length prefix (`NettyDecoder` FRAME_MAX_LENGTH). */
export const frameBytesMax = 16 * 1024 * 1024;

/** Largest message body a broker accepts (`maxMessageSize`); SEND above it is MESSAGE_ILLEGAL. */
export const messageBytesMax = 4 * 1024 * 1024;

/** Default time a request waits for its response (Java and ali-ons clients use 3 s). */
export const requestTimeoutMsDefault = 3_000;

/** Time allowed to establish a TCP connection (`connectTimeoutMillis`). */
export const connectTimeoutMs = 3_000;

/** A connection with no traffic either way for this long is closed (`serverChannelMaxIdleTimeSeconds`). */
export const channelIdleMsMax = 120_000;

/**
 * Once a socket's unsent output exceeds this many bytes we stop reading from that peer until the
 * output has drained, so a peer that does not read its responses cannot make us queue unbounded
 * output (Netty's WRITE_BUFFER_WATER_MARK role). Above one max-size response so that a single
 * large pull body alone does not stall a connection.
 */
export const writeBufferHighWaterBytes = 4 * 1024 * 1024;

/** Connections one remoting server accepts at once; more are refused by the OS listener. */
export const connectionsPerServerMax = 10_000;

/**
 * Requests of one connection being processed at once (awaiting an async processor). Above it the
 * connection stops reading; bounds memory when a peer pipelines requests faster than we answer.
 * Long-polling pulls count here, so it must exceed a consumer's queue count comfortably.
 */
export const inFlightRequestsPerConnectionMax = 4_096;

/** Outstanding requests one client (or server-to-client channel) may wait on at once. */
export const pendingResponsesPerConnectionMax = 65_536;

/** A broker that has not re-registered for this long is dropped (`BrokerLiveInfo` default timeout). */
export const brokerChannelExpiredMs = 120_000;

/** How often the name server looks for expired brokers (`scanNotActiveBroker` period). */
export const brokerScanIntervalMs = 5_000;

/** How often a broker re-registers with every name server (`registerNameServerPeriod`). */
export const brokerRegisterIntervalMs = 30_000;

/** Timeout of one REGISTER_BROKER call (`registerBrokerTimeoutMills`). */
export const registerBrokerTimeoutMs = 6_000;

/** Topic names: RocketMQ's TOPIC_MAX_LENGTH; retry/DLQ topics embed a group name and get 255. */
export const topicNameCharsMax = 127;
export const retryTopicNameCharsMax = 255;

/** Largest number of queues one topic may have per broker (bounds route bodies and loops). */
export const topicQueueNumsMax = 1_024;
