/**
 * IndexFile layout (IndexHeader / IndexFile), big-endian:
 *
 *   header (40 B)
 *   0                8                16               24               32       36       40
 *   +----------------+----------------+----------------+----------------+--------+--------+
 *   | beginTimestamp |  endTimestamp  | beginPhyOffset |  endPhyOffset  |slotCnt |indexCnt|
 *   +----------------+----------------+----------------+----------------+--------+--------+
 *   slots: hashSlotNum × int (newest entry number of the bucket, 0 = empty)
 *   entries: indexNum × 20 B, entry n at 40 + hashSlotNum*4 + n*20 (entry 0 unused)
 *   0        4                12       16       20
 *   +--------+----------------+--------+--------+
 *   |keyHash |  phy offset    |timeDiff|  prev  |
 *   +--------+----------------+--------+--------+
 */
export const IDX_BEGIN_TIMESTAMP_OFFSET = 0;
export const IDX_END_TIMESTAMP_OFFSET = 8;
export const IDX_BEGIN_PHY_OFFSET = 16;
export const IDX_END_PHY_OFFSET = 24;
export const IDX_HASH_SLOT_COUNT_OFFSET = 32;
export const IDX_INDEX_COUNT_OFFSET = 36;
export const INDEX_HEADER_SIZE = IDX_INDEX_COUNT_OFFSET + 4;
if (INDEX_HEADER_SIZE !== 40) throw new Error('index header layout is inconsistent');

export const HASH_SLOT_SIZE = 4;

export const ENTRY_KEY_HASH_OFFSET = 0;
export const ENTRY_PHY_OFFSET = 4;
export const ENTRY_TIME_DIFF_OFFSET = 12;
export const ENTRY_PREV_OFFSET = 16;
export const INDEX_ENTRY_SIZE = ENTRY_PREV_OFFSET + 4;
if (INDEX_ENTRY_SIZE !== 20) throw new Error('index entry layout is inconsistent');

export function indexFileSize(hashSlotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * HASH_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}
