/**
 * StoreCheckpoint file (4 KiB, rest zero), big-endian longs:
 *
 *   0                  8                  16                 24                 32                 40
 *   +------------------+------------------+------------------+------------------+------------------+
 *   |physicMsgTimestamp|logicsMsgTimestamp|indexMsgTimestamp |masterFlushedOff  | confirmPhyOffset |
 *   +------------------+------------------+------------------+------------------+------------------+
 */
export const CKPT_PHYSIC_TS_OFFSET = 0;
export const CKPT_LOGICS_TS_OFFSET = 8;
export const CKPT_INDEX_TS_OFFSET = 16;
export const CKPT_MASTER_FLUSHED_OFFSET = 24;
export const CKPT_CONFIRM_PHY_OFFSET = 32;
export const CHECKPOINT_FILE_SIZE = 4096;
