import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optionalBool, optionalInt, optionalLong, requiredLong } from './custom-header';
import { RemotingHeaderError } from './errors';

test('longs parse as Long.parseLong does; Java sentinels beyond 2^53 saturate', () => {
  const ext = {
    a: '1732550400000',
    b: '-1',
    max: '9223372036854775807',
    min: '-9223372036854775808',
    over: '9223372036854775808',
    hex: '0x10',
    exp: '1e3',
    blank: '',
  };
  assert.equal(requiredLong(ext, 'a'), 1732550400000);
  assert.equal(optionalLong(ext, 'b'), -1);
  assert.equal(optionalLong(ext, 'max'), Number.MAX_SAFE_INTEGER);
  assert.equal(optionalLong(ext, 'min'), -Number.MAX_SAFE_INTEGER);
  assert.equal(optionalLong(ext, 'missing'), undefined);
  for (const bad of ['over', 'hex', 'exp', 'blank']) {
    assert.throws(() => optionalLong(ext, bad), (err: Error) => err instanceof RemotingHeaderError && err.message.includes(`<${bad}> is not a valid long`));
  }
  assert.throws(() => requiredLong(ext, 'missing'), /<missing> is null/);
});

test('ints keep to Java int range; booleans are "true" in any case', () => {
  const ext = { i: '2147483647', j: '2147483648', t: 'TRUE', f: 'yes', proto: 'x' };
  assert.equal(optionalInt(ext, 'i'), 2147483647);
  assert.throws(() => optionalInt(ext, 'j'), /not a valid int/);
  assert.equal(optionalBool(ext, 't'), true);
  assert.equal(optionalBool(ext, 'f'), false);
  assert.equal(optionalInt(ext, 'constructor'), undefined, 'inherited names are not fields');
});
