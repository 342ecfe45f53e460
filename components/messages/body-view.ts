/** Renders a message body as text, pretty JSON or a hex dump. Pure, unit-tested. */
export type BodyFormat = 'text' | 'json' | 'hex';

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
export function bodyAsHex(bytes: Uint8Array, maxBytes = 64 * 1024): string {
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
