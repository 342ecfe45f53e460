/**
 * Limits of the gRPC endpoint, with the Apache proxy's defaults (ProxyConfig) and why they exist.
 * The body limit (`maxMessageSize`) and the invisible-duration bounds (`minInvisibleTimeMillsForRecv`,
 * `maxInvisibleTimeMills`) are broker settings shared with the pop service, not repeated here.
 */

/** Long-polling bounds, ms (grpcClientConsumerMin/MaxLongPollingTimeoutMillis). */
export const longPollingMsMin = 5_000;
export const longPollingMsMax = 20_000;
/** Most messages one ReceiveMessage returns (the pop service's batch bound; the client asks for 10 by default). */
export const receiveBatchMax = 32;
/** User properties per message (userPropertyMaxNum). */
export const userPropertiesMax = 128;
/** Bytes of user property keys+values, tag and keys together (maxUserPropertySize, 16 KiB). */
export const userPropertyBytesMax = 16 * 1024;
/** A message group must be shorter than this many bytes (maxMessageGroupSize). */
export const messageGroupBytesMax = 64;
/** Furthest a delivery timestamp may lie ahead, ms (maxDelayTimeMills, 1 day). */
export const deliveryDelayMsMax = 24 * 60 * 60 * 1000;
/** Messages in one SendMessage (the client sends one; a batch is bounded like a remoting batch). */
export const sendBatchMessagesMax = 1024;
/** Largest request the server decodes, bytes: a full batch of 4 MiB bodies is refused at the frame, not buffered (grpcMaxInboundMessageSize is 130 MiB there). */
export const inboundMessageBytesMax = 64 * 1024 * 1024;
/** Client settings remembered at once (one per live client id); beyond it the oldest are dropped. */
export const clientSettingsMax = 100_000;
/** 5.x clients known at once (by client id); a new one beyond it is refused TOO_MANY_REQUESTS until others expire. */
export const grpcClientsMax = 100_000;
