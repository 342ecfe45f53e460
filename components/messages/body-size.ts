/** How a message's body size is shown: the size clients get, and what is stored when that differs. Pure, unit-tested. */
import { formatBytes } from '../lib/format';

interface BodySizes {
  /** Uncompressed size; null when the body is compressed and was not inflated (search results). */
  bodySize: number | null;
  storedBodySize: number;
  bodyCompressed: boolean;
}

/** A result-table cell: the real size, or the stored size marked "compressed" when the real one is not known. */
export function bodySizeCell(m: BodySizes): { text: string; title: string | undefined } {
  if (m.bodySize !== null) return { text: formatBytes(m.bodySize), title: m.bodyCompressed ? `stored compressed: ${formatBytes(m.storedBodySize)}` : undefined };
  return { text: `${formatBytes(m.storedBodySize)} compressed`, title: 'Size as stored (compressed by the client); open the message for its real size' };
}

/** The detail's line: the real size, and the stored one when the client compressed the body. */
export function bodySizeDetail(m: BodySizes): string {
  if (!m.bodyCompressed) return formatBytes(m.bodySize ?? m.storedBodySize);
  if (m.bodySize === null) return `unknown (stored compressed: ${formatBytes(m.storedBodySize)}; it does not inflate, the stored bytes are shown)`;
  return `${formatBytes(m.bodySize)} (stored compressed: ${formatBytes(m.storedBodySize)})`;
}
