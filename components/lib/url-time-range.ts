/**
 * Time ranges as pages keep them in the URL (`?begin&end`, epoch milliseconds) and as datetime-local
 * inputs show them. Pure functions, unit-tested: a URL is typed by hand or pasted, so anything in it is
 * checked before a page formats it (`new Date(NaN).toISOString()` throws and takes the page down) or
 * sends it to the broker.
 */

/** The last instant a JavaScript Date can hold, ms (±100,000,000 days from the epoch). */
const dateMsMax = 8_640_000_000_000_000;

/** A time a Date can hold and the API accepts: an integer number of ms, not before the epoch. */
export function isEpochMs(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0 && ms <= dateMsMax;
}

/** "2026-11-25T14:02" in local time, for datetime-local inputs; '' for a time the input cannot show. */
export function toLocalInput(ms: number): string {
  if (!isEpochMs(ms)) return '';
  const iso = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString();
  // Years past 9999 come out as "+010000-…", which a datetime-local input does not take.
  return /^\d{4}-/.test(iso) ? iso.slice(0, 16) : '';
}

/** A datetime-local input's value as epoch ms; null when it is empty or not a time. */
export function fromLocalInput(text: string): number | null {
  if (text.trim() === '') return null;
  const ms = new Date(text).getTime();
  return isEpochMs(ms) ? ms : null;
}

export type TimeRange = { ok: true; begin: number; end: number } | { ok: false; problem: string };

/** Checks a range a person entered (null = empty or unreadable field). */
export function checkTimeRange(begin: number | null, end: number | null): TimeRange {
  if (begin === null) return { ok: false, problem: 'Choose a start time ("From").' };
  if (end === null) return { ok: false, problem: 'Choose an end time ("To").' };
  if (begin > end) return { ok: false, problem: 'The start time ("From") is later than the end time ("To").' };
  return { ok: true, begin, end };
}

function paramMs(text: string | null, fallback: number): number | null {
  if (text === null) return fallback;
  // Number('') and Number(' ') are 0; only digits are a time here.
  if (!/^\d{1,16}$/.test(text)) return null;
  const ms = Number(text);
  return isEpochMs(ms) ? ms : null;
}

/**
 * The range `?begin&end` describe; a missing one takes its default. A present but unreadable one
 * (NaN, garbage, out of range) or a start after the end is a problem to show, never a query.
 */
export function timeRangeFromParams(params: URLSearchParams, defaults: { begin: number; end: number }): TimeRange {
  const beginText = params.get('begin');
  const endText = params.get('end');
  const begin = paramMs(beginText, defaults.begin);
  const end = paramMs(endText, defaults.end);
  if (begin === null) return { ok: false, problem: `The start time in the address (begin=${beginText}) is not a time. Choose a start time ("From").` };
  if (end === null) return { ok: false, problem: `The end time in the address (end=${endText}) is not a time. Choose an end time ("To").` };
  return checkTimeRange(begin, end);
}
