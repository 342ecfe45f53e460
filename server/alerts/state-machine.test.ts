import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INITIAL_STATE, isNotified, type MachineState, nextState } from './state-machine';

function run(inputs: Array<boolean | null>, forMs: number, stepMs = 10): Array<MachineState['state']> {
  let s = INITIAL_STATE;
  return inputs.map((active, i) => (s = nextState(s, active, i * stepMs, forMs)).state);
}

test('inactive → pending → firing after `for`, → resolved when the condition clears', () => {
  assert.deepEqual(run([false, true, true, true, true, false, false], 30), ['inactive', 'pending', 'pending', 'pending', 'firing', 'resolved', 'resolved']);
});

test('for = 0 fires on the first true evaluation; resolved can fire again', () => {
  assert.deepEqual(run([true, false, true], 0), ['firing', 'resolved', 'firing']);
  assert.deepEqual(run([true, false, true, true, true], 20), ['pending', 'inactive', 'pending', 'pending', 'firing']);
});

test('pending keeps the time the condition became true; a flap back to false starts over', () => {
  let s = nextState(INITIAL_STATE, true, 100, 50);
  s = nextState(s, true, 120, 50);
  assert.deepEqual(s, { state: 'pending', since: 100, activeSince: 100 });
  s = nextState(s, true, 150, 50);
  assert.deepEqual(s, { state: 'firing', since: 150, activeSince: 100 });
});

test('unknown (a gap) changes nothing, in any state', () => {
  assert.deepEqual(run([true, null, null, true], 30), ['pending', 'pending', 'pending', 'firing']);
  assert.deepEqual(run([true, null, null, false], 0), ['firing', 'firing', 'firing', 'resolved']);
  assert.deepEqual(run([null], 0), ['inactive']);
});

test('only firing and firing → resolved are notified', () => {
  assert.equal(isNotified('inactive', 'pending'), false);
  assert.equal(isNotified('pending', 'inactive'), false);
  assert.equal(isNotified('pending', 'firing'), true);
  assert.equal(isNotified('inactive', 'firing'), true);
  assert.equal(isNotified('firing', 'resolved'), true);
  assert.equal(isNotified('firing', 'firing'), false);
});
