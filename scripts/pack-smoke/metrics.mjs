// Runs in an empty npm project where only the packed @losses/metrics (+ tensor) is installed.
import assert from 'node:assert/strict';
import {
  averagePrecision,
  consistency,
  frameScores,
  gra,
  hierarchicalScores,
} from '@losses/metrics';

assert.equal(
  gra([
    { estimate: 2, target: 1, gradient: 0.5 },
    { estimate: 0, target: 1, gradient: 0.5 },
  ]),
  0.5,
);
const h = { classes: ['a', 'b'], children: (c) => (c === 'a' ? ['b'] : []) };
assert.equal(
  consistency(
    [
      [1, 1],
      [0, 0],
    ],
    h,
  ).mean,
  1,
);
assert.equal(frameScores([[1, 0]], [[1, 0]]).micro.f, 1);
assert.equal(hierarchicalScores([[1, 0]], [[1, 1]], h).recall, 0.5);
assert.equal(averagePrecision([0.9, 0.1], [1, 0]).macro, 1);
