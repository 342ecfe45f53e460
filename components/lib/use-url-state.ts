'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { initialDraft, needsWrite, reconcileDraft, sent, typed, urlInputWriteDelayMs } from './param-draft';

/** Search params as the page's state: read them, and replace some of them (undefined/'' removes one). */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | number | undefined>, mode?: 'push' | 'replace') => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const set = useCallback(
    (changes: Record<string, string | number | undefined>, mode: 'push' | 'replace' = 'replace') => {
      // The address bar, not the last render's params: a write a render behind (a debounced input, two
      // changes in a row) must not undo the other's.
      const next = new URLSearchParams(typeof window === 'undefined' ? params.toString() : window.location.search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const qs = next.toString();
      const url = qs ? `${pathname}?${qs}` : pathname;
      if (mode === 'push') router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [params, router, pathname],
  );
  return [params, set];
}

/** The cluster selected in the URL (`?cluster=`), undefined for the co-hosted one. */
export function useCluster(): string | undefined {
  const params = useSearchParams();
  return params.get('cluster') ?? undefined;
}

/**
 * A text input bound to one search param: it shows what is typed at once and writes the URL after a
 * pause (see param-draft.ts); a change of the URL it did not make (back/forward, a link) replaces its value.
 */
export function useUrlParamInput(name: string, delayMs = urlInputWriteDelayMs): [string, (value: string) => void] {
  const [params, setParams] = useUrlState();
  const urlValue = params.get(name) ?? '';
  const [draft, setDraft] = useState(() => initialDraft(urlValue));
  const current = reconcileDraft(draft, urlValue);
  // React's "adjust state when a prop changes" pattern: set during render, only when the URL moved.
  if (current !== draft) setDraft(current);
  const pending = needsWrite(current);
  const value = current.value;
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => {
      setDraft((d) => sent(d, value));
      setParams({ [name]: value });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [pending, value, name, delayMs, setParams]);
  const onChange = useCallback((next: string) => setDraft((d) => typed(d, next)), []);
  return [value, onChange];
}
