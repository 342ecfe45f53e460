/** How the console classifies topic names (mirrors the server's TopicKind). */
export type TopicKind = 'normal' | 'retry' | 'dlq' | 'system';

export const TOPIC_KINDS: readonly TopicKind[] = ['normal', 'retry', 'dlq', 'system'];

export function permLabel(perm: number): string {
  const r = (perm & 4) !== 0 ? 'R' : '-';
  const w = (perm & 2) !== 0 ? 'W' : '-';
  return `${r}${w}`;
}
