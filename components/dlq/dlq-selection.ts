/**
 * Which dead letters the DLQ page acts on. A message dead-lettered again after a resend is a new record
 * with the same message id (UNIQ_KEY), so records are told apart, selected, resent and exported by their
 * offset message id: one stored record each. Pure, unit-tested.
 */
export interface DlqRecord {
  msgId: string;
  offsetMsgId: string;
  topic: string;
}

/** The key of one stored dead letter. */
export function dlqRowKey(r: DlqRecord): string {
  return r.offsetMsgId;
}

export function toggleSelected(selected: ReadonlySet<string>, r: DlqRecord): Set<string> {
  const next = new Set(selected);
  const key = dlqRowKey(r);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** The records selected, in page order, each once. */
export function selectedRecords<R extends DlqRecord>(rows: readonly R[], selected: ReadonlySet<string>): R[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = dlqRowKey(r);
    if (!selected.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What resend and export ask the server for: exactly this record (by its offset id, in the DLQ topic). */
export function recordRef(r: DlqRecord): { msgId: string; topic: string } {
  return { msgId: r.offsetMsgId, topic: r.topic };
}
