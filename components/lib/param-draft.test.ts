import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialDraft, needsWrite, reconcileDraft, sent, typed, urlInputWriteDelayMs, type ParamDraft } from './param-draft';

/**
 * A page as the browser runs it: keystrokes every `keyGapMs`, the URL (router.replace) catching up
 * `routerLagMs` after each write, a render (reconcile) every millisecond, and writes debounced.
 */
function typeInto(text: string, opts: { start: string; keyGapMs: number; routerLagMs: number }): { shown: string; url: string; writes: number } {
  let url = opts.start;
  let draft: ParamDraft = initialDraft(url);
  const pendingUrl: Array<{ at: number; value: string }> = [];
  let lastKeyAt = 0;
  let writes = 0;
  const end = text.length * opts.keyGapMs + urlInputWriteDelayMs + opts.routerLagMs * 4;
  for (let now = 0; now <= end; now++) {
    while (pendingUrl[0] && pendingUrl[0].at <= now) url = (pendingUrl.shift() as { value: string }).value;
    draft = reconcileDraft(draft, url);
    const i = now / opts.keyGapMs;
    if (Number.isInteger(i) && i < text.length) {
      // The browser's new value is what the input showed plus the key (as e.target.value gives it).
      draft = typed(draft, draft.value + text[i]);
      lastKeyAt = now;
    }
    if (needsWrite(draft) && now - lastKeyAt >= urlInputWriteDelayMs) {
      draft = sent(draft, draft.value);
      pendingUrl.push({ at: now + opts.routerLagMs, value: draft.value });
      writes += 1;
    }
  }
  return { shown: draft.value, url, writes };
}

test('typing with 30 ms between keys keeps every character, and the URL gets the text once typing pauses', () => {
  for (const routerLagMs of [1, 40, 120, 400]) {
    assert.deepEqual(typeInto('scale-group-07', { start: '', keyGapMs: 30, routerLagMs }), { shown: 'scale-group-07', url: 'scale-group-07', writes: 1 }, `router lag ${routerLagMs} ms`);
  }
  // Slow typing writes more often, still ending on the whole text.
  const slow = typeInto('abc', { start: 'x', keyGapMs: 400, routerLagMs: 500 });
  assert.deepEqual([slow.shown, slow.url], ['xabc', 'xabc']);
});

test('the URL stays the source of truth: a back/forward change replaces the draft, our own writes landing do not', () => {
  let d = initialDraft('orders');
  d = typed(d, 'orders-');
  assert.equal(needsWrite(d), true);
  d = sent(d, 'orders-');
  assert.equal(needsWrite(d), false);
  d = typed(d, 'orders-e');
  d = sent(d, 'orders-e');
  // Writes land one after the other; what was typed is kept.
  d = reconcileDraft(d, 'orders-');
  assert.deepEqual(d, { value: 'orders-e', seenUrl: 'orders-', inFlight: ['orders-e'] });
  d = reconcileDraft(d, 'orders-e');
  assert.deepEqual(d, { value: 'orders-e', seenUrl: 'orders-e', inFlight: [] });
  // Back: the URL goes to something we did not write; the input follows it.
  assert.deepEqual(reconcileDraft(d, 'orders'), initialDraft('orders'));
  assert.equal(reconcileDraft(d, 'orders-e'), d, 'same URL, same draft (no re-render loop)');
  // Clearing the box writes the empty value.
  assert.equal(needsWrite(typed(d, '')), true);
});
