import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryState } from './state';

interface Q {
  isPending: boolean;
  isError: boolean;
  error: { message: string } | null;
  data: string[] | undefined;
}

function render(q: Partial<Q>, isEmpty?: (d: string[]) => boolean): string {
  const query: Q = { isPending: false, isError: false, error: null, data: undefined, ...q };
  const list = (data: string[]) => createElement('ul', null, ...data.map((d) => createElement('li', { key: d }, d)));
  // QueryState uses no hooks: calling it renders it.
  return renderToStaticMarkup(QueryState({ query, what: 'things', title: 'Things', empty: 'Nothing yet.', isEmpty, children: list }));
}

test('QueryState shows loading, the error, the empty line (an empty array by default, or isEmpty) or the data', () => {
  assert.match(render({ isPending: true }), /Loading things…/);
  assert.match(render({ isError: true, error: { message: 'broker down' } }), /<strong>Things<\/strong><div>broker down<\/div>/);
  assert.equal(render({ data: [] }), '<p class="muted">Nothing yet.</p>');
  assert.equal(render({ data: ['a', 'b'] }), '<ul><li>a</li><li>b</li></ul>');
  assert.equal(render({ data: ['a'] }, () => true), '<p class="muted">Nothing yet.</p>');
});
