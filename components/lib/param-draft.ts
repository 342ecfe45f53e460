/**
 * A text input backed by one URL search param. The URL stays the source of truth on load and on
 * back/forward, but the input keeps what is typed in its own state and writes it to the URL only after a
 * pause: Next applies a router.replace a render or more later, and an input whose value is read back
 * from the URL on every keystroke loses the characters typed in between. Pure, unit-tested; the hook
 * is useUrlParamInput in use-url-state.ts.
 */

/** Pause after the last keystroke before the URL is written, ms. */
export const urlInputWriteDelayMs = 250;

export interface ParamDraft {
  /** What the input shows. */
  value: string;
  /** The URL's value when last looked at. */
  seenUrl: string;
  /** Values written to the URL that have not shown up in it yet, oldest first. */
  inFlight: readonly string[];
}

export function initialDraft(urlValue: string): ParamDraft {
  return { value: urlValue, seenUrl: urlValue, inFlight: [] };
}

/**
 * The draft after the URL is read again: unchanged while the URL is; our own write arriving keeps what
 * has been typed since; any other change (back/forward, a link) replaces the input's value.
 */
export function reconcileDraft(d: ParamDraft, urlValue: string): ParamDraft {
  if (urlValue === d.seenUrl) return d;
  const landed = d.inFlight.indexOf(urlValue);
  if (landed >= 0) return { ...d, seenUrl: urlValue, inFlight: d.inFlight.slice(landed + 1) };
  return initialDraft(urlValue);
}

export function typed(d: ParamDraft, value: string): ParamDraft {
  return { ...d, value };
}

/** Whether the input holds something the URL has not been asked to show. */
export function needsWrite(d: ParamDraft): boolean {
  return d.value !== (d.inFlight[d.inFlight.length - 1] ?? d.seenUrl);
}

/** The draft once `value` has been written to the URL. */
export function sent(d: ParamDraft, value: string): ParamDraft {
  return { ...d, inFlight: [...d.inFlight, value] };
}
