/** Which search the Messages page shows, from its URL. Pure, unit-tested. */

export const searchModes = ['key', 'time', 'id'] as const;
export type SearchMode = (typeof searchModes)[number];
/** What /messages opens on, and what an unknown ?mode= falls back to. */
export const defaultSearchMode: SearchMode = 'key';

function isSearchMode(text: string | null): text is SearchMode {
  return (searchModes as readonly string[]).includes(text ?? '');
}

/** The search the URL describes: id (?msgId), time range (?begin / ?end), key (?key), else ?mode=. */
export function modeFromParams(p: URLSearchParams): SearchMode {
  if (p.get('msgId')) return 'id';
  if (p.has('begin') || p.has('end')) return 'time';
  if (p.get('key')) return 'key';
  const mode = p.get('mode');
  // A hand-edited or stale ?mode= must still land on a tab, not on a page with none selected.
  return isSearchMode(mode) ? mode : defaultSearchMode;
}
