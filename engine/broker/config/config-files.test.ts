/**
 * The broker's config files in RocketMQ's shapes (fastjson: tab-indented, bare integer keys), reloaded
 * after a restart, replaced atomically with a `.bak`, and never silently emptied by damage.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigFileError } from '../../store/config/config-file';
import { IntKeyMap, parseFastjson, toFastjson } from '../../store/config/fastjson';
import { ConsumerOffsetManager } from './consumer-offset-manager';
import { newSubscriptionGroupConfig, SubscriptionGroupManager } from './subscription-group-manager';
import { newTopicConfig, TopicConfigManager } from './topic-config-manager';

const topicOptions = { clusterName: 'DefaultCluster', brokerName: 'broker-a', autoCreateTopicEnable: true, templateQueueNums: 8 };

function withDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-config-'));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('fastjson: bare integer keys are written and read back; tolerant of Java-written files', () => {
  const text = toFastjson({ offsetTable: { 'T@G': new IntKeyMap([[0, 250], [1, 249]]) } });
  assert.equal(text, '{\n\t"offsetTable":{\n\t\t"T@G":{0:250,1:249}\n\t}\n}');
  assert.deepEqual(parseFastjson(text), { offsetTable: { 'T@G': { '0': 250, '1': 249 } } });
  assert.deepEqual(parseFastjson('{"offsetTable":{1:12,2:0},"x":[true,null,"a\\"b"]}'), { offsetTable: { '1': 12, '2': 0 }, x: [true, null, 'a"b'] });
  assert.throws(() => parseFastjson('{"a":1'));
});

test('topics, groups and offsets: RocketMQ shapes on disk, reloaded after a restart', () => {
  withDir((dir) => {
    const topics = new TopicConfigManager(path.join(dir, 'topics.json'), topicOptions);
    topics.createOrUpdate(newTopicConfig('TopicTest', 4));
    const groups = new SubscriptionGroupManager(path.join(dir, 'subscriptionGroup.json'), true);
    groups.createOrUpdate(newSubscriptionGroupConfig('G1'));
    const offsets = new ConsumerOffsetManager(path.join(dir, 'consumerOffset.json'));
    offsets.commit('G1', 'TopicTest', 0, 250);
    offsets.commit('G1', 'TopicTest', 3, 251);
    offsets.persist();

    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'topics.json'), 'utf8'));
    assert.deepEqual(Object.keys(onDisk), ['dataVersion', 'topicConfigTable']);
    assert.deepEqual(Object.keys(onDisk.topicConfigTable.TopicTest).sort(), ['attributes', 'order', 'perm', 'readQueueNums', 'topicFilterType', 'topicName', 'topicSysFlag', 'writeQueueNums']);
    assert.ok(onDisk.topicConfigTable.TBW102, 'the auto-create template is a topic like in RocketMQ');
    const groupsOnDisk = JSON.parse(fs.readFileSync(path.join(dir, 'subscriptionGroup.json'), 'utf8'));
    assert.equal(groupsOnDisk.subscriptionGroupTable.G1.retryMaxTimes, 16);
    assert.deepEqual(groupsOnDisk.forbiddenTable, {});
    assert.match(fs.readFileSync(path.join(dir, 'consumerOffset.json'), 'utf8'), /"TopicTest@G1":\{0:250,3:251\}/);

    assert.equal(new TopicConfigManager(path.join(dir, 'topics.json'), topicOptions).get('TopicTest')?.readQueueNums, 4);
    assert.equal(new SubscriptionGroupManager(path.join(dir, 'subscriptionGroup.json'), false).get('G1')?.consumeEnable, true);
    const reloaded = new ConsumerOffsetManager(path.join(dir, 'consumerOffset.json'));
    assert.equal(reloaded.query('G1', 'TopicTest', 3), 251);
    assert.equal(reloaded.query('G1', 'TopicTest', 1), -1);
  });
});

test('a torn main file falls back to the .bak; damage with no usable .bak is an error, not an empty config', () => {
  withDir((dir) => {
    const file = path.join(dir, 'consumerOffset.json');
    const offsets = new ConsumerOffsetManager(file);
    offsets.commit('G1', 'T', 0, 250);
    offsets.persist();
    offsets.commit('G1', 'T', 0, 300);
    offsets.persist();
    assert.match(fs.readFileSync(`${file}.bak`, 'utf8'), /0:250/);
    assert.ok(!fs.existsSync(`${file}.tmp`));
    fs.writeFileSync(file, '{"offsetTable":{"T@G1":{0:');
    assert.equal(new ConsumerOffsetManager(file).query('G1', 'T', 0), 250, 'torn main file: the .bak is used');
    fs.writeFileSync(`${file}.bak`, 'garbage');
    assert.throws(() => new ConsumerOffsetManager(file), (err: unknown) => err instanceof ConfigFileError && /consumerOffset\.json is not valid JSON/.test(err.message));
    const topicsFile = path.join(dir, 'topics.json');
    const topics = new TopicConfigManager(topicsFile, topicOptions);
    topics.createOrUpdate(newTopicConfig('Other', 2));
    topics.createOrUpdate(newTopicConfig('Third', 1)); // the .bak now holds the version with Other
    fs.writeFileSync(topicsFile, '');
    assert.equal(new TopicConfigManager(topicsFile, topicOptions).get('Other')?.readQueueNums, 2, 'empty main file: the .bak is used');
  });
});
