import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULTS, parseConfig } from './config';

test('defaults need nothing: ./data, 127.0.0.1 and RocketMQ ports', () => {
  const c = parseConfig([], {});
  assert.deepEqual(c, { ...DEFAULTS, autoCreateTopic: true, defaultRouteForUnknownTopics: false, dev: false });
  assert.equal(c.consolePort, 8080);
  assert.equal(c.namesrvPort, 9876);
  assert.equal(c.brokerPort, 10911);
});

test('environment variables apply and flags override them', () => {
  const env = { ROCKETDECK_DATA_DIR: '/var/lib/rd', ROCKETDECK_CONSOLE_PORT: '9000', ROCKETDECK_HOST: '0.0.0.0' };
  const fromEnv = parseConfig([], env);
  assert.equal(fromEnv.dataDir, '/var/lib/rd');
  assert.equal(fromEnv.consolePort, 9000);
  assert.equal(fromEnv.host, '0.0.0.0');
  const fromFlags = parseConfig(['--console-port', '9100', '--data-dir', 'x', '--broker-port', '0', '--namesrv-port=1234'], env);
  assert.equal(fromFlags.consolePort, 9100);
  assert.equal(fromFlags.dataDir, 'x');
  assert.equal(fromFlags.brokerPort, 0);
  assert.equal(fromFlags.namesrvPort, 1234);
  assert.equal(fromFlags.host, '0.0.0.0');
});

test('a bad port is refused with the flag and env names in the message', () => {
  assert.throws(() => parseConfig(['--console-port', 'abc'], {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /--console-port \/ ROCKETDECK_CONSOLE_PORT "abc": must be a port number/);
    return true;
  });
  assert.throws(() => parseConfig([], { ROCKETDECK_BROKER_PORT: '70000' }), /--broker-port .*"70000"/);
});

test('NEXT_DEV=1 or --dev selects development mode', () => {
  assert.equal(parseConfig(['--dev'], {}).dev, true);
  assert.equal(parseConfig([], { NEXT_DEV: '1' }).dev, true);
});

test('topic auto-creation is on by default and can be turned off', () => {
  assert.equal(parseConfig([], {}).autoCreateTopic, true);
  assert.equal(parseConfig(['--auto-create-topic', 'false'], {}).autoCreateTopic, false);
  assert.equal(parseConfig([], { ROCKETDECK_AUTO_CREATE_TOPIC: 'false' }).autoCreateTopic, false);
  assert.throws(() => parseConfig(['--auto-create-topic', 'maybe'], {}), /--auto-create-topic .*"maybe": must be true or false/);
});

test('flush disk type: ASYNC_FLUSH by default, SYNC_FLUSH by flag or env, anything else refused', () => {
  assert.equal(parseConfig([], {}).flushDiskType, 'ASYNC_FLUSH');
  assert.equal(parseConfig(['--flush-disk-type', 'SYNC_FLUSH'], {}).flushDiskType, 'SYNC_FLUSH');
  assert.equal(parseConfig([], { ROCKETDECK_FLUSH_DISK_TYPE: 'SYNC_FLUSH' }).flushDiskType, 'SYNC_FLUSH');
  assert.equal(parseConfig(['--flush-disk-type', 'ASYNC_FLUSH'], { ROCKETDECK_FLUSH_DISK_TYPE: 'SYNC_FLUSH' }).flushDiskType, 'ASYNC_FLUSH');
  assert.throws(() => parseConfig(['--flush-disk-type', 'sometimes'], {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /--flush-disk-type \/ ROCKETDECK_FLUSH_DISK_TYPE "sometimes": must be ASYNC_FLUSH or SYNC_FLUSH/);
    return true;
  });
});

test('--sample-interval-ms / ROCKETDECK_SAMPLE_INTERVAL_MS: 10 s by default, bounded', () => {
  assert.equal(parseConfig([], {}).sampleIntervalMs, 10_000);
  assert.equal(parseConfig([], { ROCKETDECK_SAMPLE_INTERVAL_MS: '2000' }).sampleIntervalMs, 2_000);
  assert.equal(parseConfig(['--sample-interval-ms', '1500'], { ROCKETDECK_SAMPLE_INTERVAL_MS: '2000' }).sampleIntervalMs, 1_500);
  assert.throws(() => parseConfig(['--sample-interval-ms', '10'], {}), /--sample-interval-ms \/ ROCKETDECK_SAMPLE_INTERVAL_MS "10": must be at least 1000 ms/);
});

test('--timer-max-delay-sec / ROCKETDECK_TIMER_MAX_DELAY_SEC: 3 days by default, bounded', () => {
  assert.equal(parseConfig([], {}).timerMaxDelaySec, 259_200);
  assert.equal(parseConfig([], { ROCKETDECK_TIMER_MAX_DELAY_SEC: '3600' }).timerMaxDelaySec, 3600);
  assert.equal(parseConfig(['--timer-max-delay-sec', '60'], { ROCKETDECK_TIMER_MAX_DELAY_SEC: '3600' }).timerMaxDelaySec, 60);
  assert.throws(() => parseConfig(['--timer-max-delay-sec', '0'], {}), /--timer-max-delay-sec \/ ROCKETDECK_TIMER_MAX_DELAY_SEC "0": must be at least 1 s/);
  assert.throws(() => parseConfig(['--timer-max-delay-sec', '1.5'], {}), /must be a whole number of seconds/);
});
