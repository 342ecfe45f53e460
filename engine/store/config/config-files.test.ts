import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openConfigFiles } from './store-config-files';
import { parseFastjson, toFastjson, IntKeyMap } from './fastjson';
import { defaultTopicConfig } from './topic-config-manager';
import { defaultSubscriptionGroup } from './subscription-group-manager';
import { tempDir, removeDir } from '../store-test-helpers';

test('fastjson: bare integer keys are written and read back; tolerant of Java-written files', () => {
  const text = toFastjson({ offsetTable: { 'T@G': new IntKeyMap([[0, 250], [1, 249]]) } });
  assert.equal(text, '{\n\t"offsetTable":{\n\t\t"T@G":{0:250,1:249}\n\t}\n}');
  assert.deepEqual(parseFastjson(text), { offsetTable: { 'T@G': { '0': 250, '1': 249 } } });
  assert.deepEqual(parseFastjson('{"offsetTable":{1:12,2:0},"x":[true,null,"a\\"b"]}'), { offsetTable: { '1': 12, '2': 0 }, x: [true, null, 'a"b'] });
  assert.throws(() => parseFastjson('{"a":1'));
});

test('config files: RocketMQ JSON shapes, reload, atomic replace with .bak fallback', () => {
  const dir = tempDir();
  try {
    let f = openConfigFiles(dir);
    f.topics.put({ ...defaultTopicConfig('TopicTest'), readQueueNums: 4, writeQueueNums: 4 });
    f.subscriptionGroups.put(defaultSubscriptionGroup('G1'));
    f.consumerOffsets.commitOffset('G1', 'TopicTest', 0, 250);
    f.consumerOffsets.commitOffset('G1', 'TopicTest', 3, 251);
    f.consumerOffsets.persist();
    f.delayOffsets.offsetTable.set(1, 12);
    f.delayOffsets.offsetTable.set(3, 0);
    f.delayOffsets.persist();

    const cfg = path.join(dir, 'config');
    const topics = JSON.parse(fs.readFileSync(path.join(cfg, 'topics.json'), 'utf8'));
    assert.deepEqual(Object.keys(topics), ['dataVersion', 'topicConfigTable']);
    assert.deepEqual(Object.keys(topics.topicConfigTable.TopicTest), ['attributes', 'order', 'perm', 'readQueueNums', 'topicFilterType', 'topicName', 'topicSysFlag', 'writeQueueNums']);
    assert.equal(topics.dataVersion.counter, 1);
    const groups = JSON.parse(fs.readFileSync(path.join(cfg, 'subscriptionGroup.json'), 'utf8'));
    assert.equal(groups.subscriptionGroupTable.G1.retryMaxTimes, 16);
    assert.deepEqual(groups.forbiddenTable, {});
    const offsetsText = fs.readFileSync(path.join(cfg, 'consumerOffset.json'), 'utf8');
    assert.match(offsetsText, /"TopicTest@G1":\{0:250,3:251\}/);
    assert.match(fs.readFileSync(path.join(cfg, 'delayOffset.json'), 'utf8'), /"offsetTable":\{1:12,3:0\}/);

    f = openConfigFiles(dir);
    assert.equal(f.topics.get('TopicTest')!.readQueueNums, 4);
    assert.equal(f.subscriptionGroups.get('G1')!.consumeEnable, true);
    assert.equal(f.consumerOffsets.queryOffset('G1', 'TopicTest', 3), 251);
    assert.equal(f.consumerOffsets.queryOffset('G1', 'TopicTest', 1), -1);
    assert.equal(f.delayOffsets.offsetTable.get(1), 12);

    // second persist keeps the previous version as .bak; a torn main file falls back to it
    f.consumerOffsets.commitOffset('G1', 'TopicTest', 0, 300);
    f.consumerOffsets.persist();
    assert.match(fs.readFileSync(path.join(cfg, 'consumerOffset.json.bak'), 'utf8'), /0:250/);
    assert.ok(!fs.existsSync(path.join(cfg, 'consumerOffset.json.tmp')));
    fs.writeFileSync(path.join(cfg, 'consumerOffset.json'), '{"offsetTable":{"TopicTest@G1":{0:');
    assert.equal(openConfigFiles(dir).consumerOffsets.queryOffset('G1', 'TopicTest', 0), 250);
    f.topics.put(defaultTopicConfig('Other'));
    fs.writeFileSync(path.join(cfg, 'topics.json'), '');
    assert.equal(openConfigFiles(dir).topics.get('TopicTest')?.readQueueNums, 4, 'empty main file: .bak is used');
  } finally {
    removeDir(dir);
  }
});
