/** The chart time ranges the console offers (?range= in the URL), shared by the routers and the UI. */
import { DAY_MS, HOUR_MS, MINUTE_MS } from './rollup';

export const TIME_RANGES = ['15m', '1h', '6h', '24h', '7d', '30d', '90d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const TIME_RANGE_DEFAULT: TimeRange = '1h';

export const TIME_RANGE_MS: Record<TimeRange, number> = {
  '15m': 15 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};

export function isTimeRange(s: string | null | undefined): s is TimeRange {
  return s !== null && s !== undefined && (TIME_RANGES as readonly string[]).includes(s);
}
