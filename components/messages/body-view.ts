/** Renders a message body as text, pretty JSON or a hex dump. Pure, unit-tested. */
import { formatBytes } from '../lib/format';

export type BodyFormat = 'text' | 'json' | 'hex';

/**
 * Most of a body any view puts on the page, bytes (characters for formatted JSON). A <pre> holding
 * megabytes of text freezes the tab for seconds; Download gives the whole body.
 */
export const bodyViewBytesMax = 64 * 1024;

export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bodyAsText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** Pretty JSON, or null when the body is not JSON. */
export function bodyAsJson(bytes: Uint8Array): string | null {
  try {
    return JSON.stringify(JSON.parse(bodyAsText(bytes)), null, 2);
  } catch {
    return null;
  }
}

/** 16 bytes a line: offset, hex, printable ASCII. */
export function bodyAsHex(bytes: Uint8Array, maxBytes = bodyViewBytesMax): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, maxBytes);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}

/** The format a body is best shown in first. */
export function preferredFormat(bytes: Uint8Array): BodyFormat {
  if (bodyAsJson(bytes) !== null) return 'json';
  const text = bodyAsText(bytes);
  return text.includes('\uFFFD') ? 'hex' : 'text';
}

/** What a body view shows: at most `maxBytes` of it, and when that is not all, how much there is. */
export interface BodyView {
  text: string;
  /** Set when the view shows only the start: what it shows and what there is (bytes; characters of formatted JSON). */
  cut: { shown: number; total: number; unit: 'bytes' | 'characters' } | null;
}

/**
 * One format of a body, capped: text decodes only the first `maxBytes` (a character split at the cut
 * is left out), JSON is checked and formatted whole (the body is already bounded by the server) and its
 * first `maxBytes` characters shown, hex dumps the first `maxBytes`.
 */
export function bodyView(bytes: Uint8Array, format: BodyFormat, maxBytes = bodyViewBytesMax): BodyView {
  if (format === 'hex') {
    const cut = bytes.length > maxBytes ? { shown: maxBytes, total: bytes.length, unit: 'bytes' as const } : null;
    return { text: bodyAsHex(bytes, maxBytes), cut };
  }
  if (format === 'json') {
    const json = bodyAsJson(bytes);
    if (json === null) return { text: 'The body is not valid JSON.', cut: null };
    if (json.length <= maxBytes) return { text: json, cut: null };
    return { text: json.slice(0, maxBytes), cut: { shown: maxBytes, total: json.length, unit: 'characters' } };
  }
  if (bytes.length <= maxBytes) return { text: bodyAsText(bytes), cut: null };
  // stream: true holds back a multi-byte character cut in half instead of showing U+FFFD for it.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, maxBytes), { stream: true });
  return { text, cut: { shown: maxBytes, total: bytes.length, unit: 'bytes' } };
}

/** The line under a cut view: how much it shows of what, and where the rest is. */
export function cutNotice(cut: NonNullable<BodyView['cut']>): string {
  if (cut.unit === 'characters') {
    return `Showing the first ${cut.shown.toLocaleString('en-US')} of ${cut.total.toLocaleString('en-US')} characters of the formatted JSON — download the body for the rest.`;
  }
  return `Showing the first ${formatBytes(cut.shown)} of ${formatBytes(cut.total)} — download the body for the rest.`;
}
