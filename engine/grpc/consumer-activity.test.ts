import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollingTime } from './consumer-activity';
import { GrpcProxyError } from './grpc-status';
import type { ReceiveMessageRequest } from './proto-types';

function request(longPollingMs?: number): ReceiveMessageRequest {
  const r = { group: null, messageQueue: null, filterExpression: null, batchSize: 1, autoRenew: false } as ReceiveMessageRequest;
  if (longPollingMs !== undefined) {
    r.longPollingTimeout = { seconds: Math.floor(longPollingMs / 1000), nanos: (longPollingMs % 1000) * 1e6 };
    r._longPollingTimeout = 'longPollingTimeout';
  }
  return r;
}

test('long polling is clamped to 5–20 s, as the proxy clamps it', () => {
  assert.equal(pollingTime(request(30_000), 33_000, 3000), 20_000);
  assert.equal(pollingTime(request(1000), 33_000, 3000), 5000);
  assert.equal(pollingTime(request(7500), 33_000, 3000), 7500);
});

test('without a requested timeout the poll takes what the deadline leaves after half a request timeout', () => {
  assert.equal(pollingTime(request(), 12_000, 3000), 10_500);
  assert.equal(pollingTime(request(), Infinity, 3000), 20_000);
});

test('a poll never runs into the deadline; too little time left is ILLEGAL_POLLING_TIME', () => {
  assert.equal(pollingTime(request(20_000), 8000, 3000), 7800);
  assert.throws(() => pollingTime(request(5000), 4000, 3000), (err: unknown) => err instanceof GrpcProxyError && err.code === 'ILLEGAL_POLLING_TIME' && /not enough for polling/.test(err.message));
});
