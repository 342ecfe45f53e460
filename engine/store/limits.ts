/**
 * Every bound the store enforces, with its unit and why. Config defaults live in store-config.ts;
 * these are hard limits that configuration cannot raise.
 */

/** Max body a producer may store (RocketMQ `maxMessageSize`, 4 MiB). */
export const messageBodyBytesMax = 4 * 1024 * 1024;

/** Properties are length-prefixed by a signed short on disk. */
export const propertiesBytesMax = 32767;

/** V1 records carry a 1-byte topic length; longer topics need V2 (5.x only). */
export const topicBytesMaxV1 = 127;

/** V2 topic length is a short, but RocketMQ caps retry topics at 255 bytes. */
export const topicBytesMaxV2 = 255;

/** Largest record we ever write or accept while reading: body + 64 KiB of headers/topic/properties. */
export const recordBytesMax = messageBodyBytesMax + 64 * 1024;

/** Messages in one batch put (SEND_BATCH_MESSAGE); bounds the pending-ack arrays. */
export const batchCountMax = 4096;

/** Units read from a ConsumeQueue in one getMessage (RocketMQ caps pulls at 32/64 too). */
export const pullCountMax = 1024;

/** Results of one key query (`maxMsgsNumBatch`). */
export const queryCountMax = 64;

/** Index chain hops followed per file per query; a hash slot chain longer than this is cut. */
export const indexChainHopsMax = 100_000;

/** Bytes read from the CommitLog per I/O while recovering (coalesced scan window). */
export const recoveryReadBytes = 8 * 1024 * 1024;

/** Segment files deleted in one retention pass (RocketMQ `deleteFilesBatchMax`). */
export const retentionDeleteFilesMax = 10;
