/** A pending count as the topic page shows it. Pure, unit-tested. */

/** "3", "at least 20,000" when the scan stopped early, "unknown" when it could not be read. */
export function pendingCountLabel(count: number | null, truncated: boolean): string {
  if (count === null) return 'unknown';
  return truncated ? `at least ${count.toLocaleString('en-US')}` : count.toLocaleString('en-US');
}
