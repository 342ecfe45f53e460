/** Words for numbers and durations, shared by health reasons, alert messages and chart labels. Pure. */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234 → "1,234" */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** 12.3456 → "12.35" */
export function formatNumber(n: number): string {
  return DECIMAL.format(n);
}

/** 600000 → "10 min", 45000 → "45 s", 7500000 → "2 h 5 min", 90000000 → "1 d 1 h". Rounds to the unit shown. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** "14:02" in UTC, or with the date when the range spans days: "2026-11-25 14:02". */
export function formatClock(ms: number, withDate = false): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
