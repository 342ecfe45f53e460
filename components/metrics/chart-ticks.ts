/**
 * Axis ticks for the history charts, chosen here rather than by Recharts: its automatic ticks split a domain into
 * equal parts (a "time behind" axis up to 1,000 s gets 3m 20s, 6m 40s, …, 13m 20s; a lag of 0 gets five "0s"), and
 * on a time axis they fall every few seconds, which minute labels repeat ("21:07 21:07"). Pure, unit-tested.
 */

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Steps a duration axis may use: 1/2/5/10/15/30 s, min, then hours and days. */
const DURATION_STEPS_MS = [
  SECOND_MS, 2 * SECOND_MS, 5 * SECOND_MS, 10 * SECOND_MS, 15 * SECOND_MS, 30 * SECOND_MS,
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS, 14 * DAY_MS, 30 * DAY_MS,
];
/** Steps a time axis may use (a minute at least: labels show minutes). */
const TIME_STEPS_MS = [
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS, 14 * DAY_MS, 30 * DAY_MS,
];
/** An all-zero (or empty) duration axis still spans this much, so it has more than one tick. */
const DURATION_AXIS_MIN_MS = MINUTE_MS;

export interface DurationAxis {
  domain: [number, number];
  ticks: number[];
}

/** Ticks 0, step, 2·step, … up to the first multiple at or above `maxMs`, at most `count` of them. */
export function durationTicks(maxMs: number, count = 5): DurationAxis {
  const max = Number.isFinite(maxMs) && maxMs > 0 ? maxMs : DURATION_AXIS_MIN_MS;
  const intervals = Math.max(1, count - 1);
  const step = DURATION_STEPS_MS.find((s) => Math.ceil(max / s) <= intervals) ?? Math.ceil(max / intervals / DAY_MS) * DAY_MS;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return { domain: [0, top], ticks };
}

export interface TimeAxis {
  ticks: number[];
  format: (t: number) => string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Ticks for a time axis over [from, to]: on whole multiples of a nice step in local time (every 5 min at :00, :05, …;
 * every 6 h at 00:00, 06:00, …), at most `count` of them, each label distinct: clock time within a day, the date
 * with it when the axis spans days at an hourly step, the date alone at a daily step.
 */
export function timeAxisTicks(from: number, to: number, count = 6): TimeAxis {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS_MS.find((s) => span / s <= count) ?? TIME_STEPS_MS.at(-1)!;
  // Local time is UTC shifted by the zone's offset (taken at `from`; a DST change inside the range moves ticks by an hour).
  const offset = -new Date(from).getTimezoneOffset() * MINUTE_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) ticks.push(t);
  const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const date = (d: Date) => `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const format =
    step >= DAY_MS ? (t: number) => date(new Date(t)) : span > DAY_MS ? (t: number) => `${date(new Date(t))} ${clock(new Date(t))}` : (t: number) => clock(new Date(t));
  return { ticks, format };
}
