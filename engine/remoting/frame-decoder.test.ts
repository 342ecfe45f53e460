import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { createRequest, decodeCommand, encodeFrame, SerializeType } from './remoting-command';

function stream(): { bytes: Buffer; count: number } {
  const frames = [
    encodeFrame(createRequest(10, { topic: 'a' }, { body: Buffer.from('hello') })),
    encodeFrame(createRequest(11, null)),
    encodeFrame(createRequest(12, { k: 'v' }, { serializeType: SerializeType.ROCKETMQ, body: Buffer.alloc(300, 7) })),
  ];
  return { bytes: Buffer.concat(frames), count: frames.length };
}

function decodeAll(chunks: Buffer[]): number[] {
  const decoder = new FrameDecoder();
  const codes: number[] = [];
  for (const chunk of chunks) decoder.push(chunk, (frame) => codes.push(decodeCommand(frame).code));
  assert.equal(decoder.bufferedBytes, 0);
  return codes;
}

test('every single split point of a 3-frame stream yields the same frames', () => {
  const { bytes } = stream();
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(decodeAll([bytes.subarray(0, i), bytes.subarray(i)]), [10, 11, 12], `split at ${i}`);
  }
});

test('every pair of split points over the first two frames', () => {
  const { bytes } = stream();
  const limit = Math.min(bytes.length, 160);
  for (let i = 0; i <= limit; i++) {
    for (let j = i; j <= limit; j++) {
      const chunks = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
      assert.deepEqual(decodeAll(chunks), [10, 11, 12], `split at ${i},${j}`);
    }
  }
});

test('byte-by-byte feeding', () => {
  const { bytes } = stream();
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
  assert.deepEqual(decodeAll(chunks), [10, 11, 12]);
});

test('a frame inside one chunk is handed out without copying', () => {
  const { bytes } = stream();
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  decoder.push(bytes, (f) => frames.push(f));
  assert.equal(frames.length, 3);
  assert.equal(frames[0]!.buffer, bytes.buffer);
});

test('oversize length is rejected as soon as the 4 length bytes arrive, before any allocation', () => {
  const decoder = new FrameDecoder(16 * 1024 * 1024);
  const len = Buffer.alloc(4);
  len.writeInt32BE(16 * 1024 * 1024 - 4 + 1, 0); // one byte over the limit with its prefix
  decoder.push(len.subarray(0, 3), () => assert.fail());
  assert.throws(() => decoder.push(len.subarray(3), () => assert.fail()), (e) => e instanceof ProtocolError && e.kind === 'FRAME_TOO_LARGE');
  assert.equal(decoder.bufferedBytes, 0);
  assert.throws(() => decoder.push(Buffer.alloc(1), () => assert.fail()), ProtocolError, 'dead after failure');
});

test('exactly the max frame is accepted; buffered bytes grow only with input', () => {
  const max = 1024;
  const decoder = new FrameDecoder(max);
  const frame = Buffer.alloc(max);
  frame.writeInt32BE(max - 4, 0);
  frame.writeInt32BE(2, 4);
  frame.write('{}', 8);
  decoder.push(frame.subarray(0, 10), () => assert.fail());
  assert.equal(decoder.bufferedBytes, 6);
  let got = 0;
  decoder.push(frame.subarray(10), (f) => { got++; assert.equal(f.length, max - 4); });
  assert.equal(got, 1);
});

test('negative and too-small lengths are rejected', () => {
  for (const n of [-1, 0, 3, -2147483648]) {
    const decoder = new FrameDecoder();
    const b = Buffer.alloc(4);
    b.writeInt32BE(n, 0);
    assert.throws(() => decoder.push(b, () => assert.fail()), (e) => e instanceof ProtocolError && e.kind === 'FRAME_TOO_SHORT');
  }
});
