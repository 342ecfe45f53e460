'use client';
import { useUrlState } from '../lib/use-url-state';

/** The chart ranges (?range= in the URL); the server checks the same list (server/metrics/time-range.ts). */
export const TIME_RANGES = ['15m', '1h', '6h', '24h', '7d', '30d', '90d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const TIME_RANGE_DEFAULT: TimeRange = '1h';

function isTimeRange(s: string | null): s is TimeRange {
  return s !== null && (TIME_RANGES as readonly string[]).includes(s);
}

/** The range in the URL and a setter that keeps it there. */
export function useTimeRange(): [TimeRange, (r: TimeRange) => void] {
  const [params, set] = useUrlState();
  const raw = params.get('range');
  return [isTimeRange(raw) ? raw : TIME_RANGE_DEFAULT, (r) => set({ range: r === TIME_RANGE_DEFAULT ? undefined : r })];
}

export function TimeRangeSelect({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  return (
    <div className="tabs" role="tablist" aria-label="Time range" style={{ marginBottom: 0, borderBottom: 'none' }}>
      {TIME_RANGES.map((r) => (
        <button key={r} type="button" role="tab" aria-selected={r === value} onClick={() => onChange(r)} data-testid={`range-${r}`}>
          {r}
        </button>
      ))}
    </div>
  );
}

export function formatRate(v: number | null): string {
  if (v === null) return 'unknown';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}
