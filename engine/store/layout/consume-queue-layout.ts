/**
 * ConsumeQueue unit (CQ_STORE_UNIT_SIZE = 20), big-endian:
 *
 *   0                8        12               20
 *   +----------------+--------+----------------+
 *   | commitLog phy  |  size  |   tags code    |
 *   +----------------+--------+----------------+
 */
export const CQ_PHY_OFFSET = 0;
export const CQ_PHY_SIZE = 8;
export const CQ_SIZE_OFFSET = CQ_PHY_OFFSET + CQ_PHY_SIZE;
export const CQ_SIZE_SIZE = 4;
export const CQ_TAGS_OFFSET = CQ_SIZE_OFFSET + CQ_SIZE_SIZE;
export const CQ_TAGS_SIZE = 8;
export const CQ_STORE_UNIT_SIZE = CQ_TAGS_OFFSET + CQ_TAGS_SIZE;
if (CQ_STORE_UNIT_SIZE !== 20) throw new Error('consume queue unit layout is inconsistent');

/** Blank unit written before a queue's first file when it starts at a non-zero offset (fillPreBlank). */
export const CQ_BLANK_UNIT_SIZE_FIELD = 0x7fffffff;
