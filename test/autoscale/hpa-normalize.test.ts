/**
 * Normalization rules the reference vectors cover thinly: the legacy path with the production
 * scale-up cap (max(2 x current, 4) per sync; the vectors use the tests' factor 8) and the
 * default behavior (4 pods or 100% per 15 s up, 100% per 15 s down). Table-driven, one row per case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_CONTROLLER_CONFIG,
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  defaultBehavior,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  type ScaleEvent,
} from '../../src/autoscale/hpa/index.js';

const NOW = 1_000;
const ago = (replicaChange: number, ageS: number): ScaleEvent => ({
  replicaChange,
  timestampS: NOW - ageS,
  outdated: false,
});

test('production config: scale-up cap factor 2, minimum 4', () => {
  assert.equal(DEFAULT_CONTROLLER_CONFIG.scaleUpLimitFactor, 2);
  assert.equal(DEFAULT_CONTROLLER_CONFIG.scaleUpLimitMinimum, 4);
});

const LEGACY_ROWS = [
  {
    name: 'from 1: at most 4 (the minimum)',
    current: 1,
    desired: 100,
    min: 1,
    max: 100,
    replicas: 4,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'from 0: at most 4',
    current: 0,
    desired: 9,
    min: 0,
    max: 100,
    replicas: 4,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'from 2: at most 4',
    current: 2,
    desired: 100,
    min: 1,
    max: 100,
    replicas: 4,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'from 3: at most 6 (2x)',
    current: 3,
    desired: 100,
    min: 1,
    max: 100,
    replicas: 6,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'from 10: at most 20',
    current: 10,
    desired: 30,
    min: 1,
    max: 25,
    replicas: 20,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'max below the cap binds',
    current: 10,
    desired: 30,
    min: 1,
    max: 18,
    replicas: 18,
    reason: 'TooManyReplicas',
  },
  {
    name: 'max equal to the cap is TooManyReplicas',
    current: 10,
    desired: 30,
    min: 1,
    max: 20,
    replicas: 20,
    reason: 'TooManyReplicas',
  },
  {
    name: 'exactly the cap is within range',
    current: 10,
    desired: 20,
    min: 1,
    max: 100,
    replicas: 20,
    reason: 'DesiredWithinRange',
  },
  {
    name: 'a scale-down is not rate limited',
    current: 50,
    desired: 2,
    min: 1,
    max: 100,
    replicas: 2,
    reason: 'DesiredWithinRange',
  },
  { name: 'below min', current: 5, desired: 1, min: 2, max: 100, replicas: 2, reason: 'TooFewReplicas' },
] as const;

for (const row of LEGACY_ROWS) {
  test(`legacy convertDesiredReplicasWithRules (factor 2): ${row.name}`, () => {
    const r = convertDesiredReplicasWithRules(
      row.current,
      row.desired,
      row.min,
      row.max,
      DEFAULT_CONTROLLER_CONFIG,
    );
    assert.deepEqual([r.replicas, r.reason], [row.replicas, row.reason]);
  });
}

const DEFAULTS = defaultBehavior({});

test('default behavior: the documented rules', () => {
  assert.deepEqual(DEFAULTS, {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
      tolerance: null,
    },
    scaleDown: {
      stabilizationWindowSeconds: null,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      tolerance: null,
    },
  });
});

test('defaultBehavior fills each missing field and keeps each written one', () => {
  const b = defaultBehavior({
    scaleUp: { selectPolicy: 'Min' },
    scaleDown: { stabilizationWindowSeconds: 60, policies: [] },
  });
  assert.deepEqual(b.scaleUp, { ...DEFAULTS.scaleUp, selectPolicy: 'Min' });
  assert.deepEqual(b.scaleDown, { ...DEFAULTS.scaleDown, stabilizationWindowSeconds: 60, policies: [] });
});

const UP_ROWS = [
  { name: 'from 1: +4 pods beats +100%', current: 1, up: [], down: [], limit: 5 },
  { name: 'from 3: +4 pods beats +100%', current: 3, up: [], down: [], limit: 7 },
  { name: 'from 4: both give 8', current: 4, up: [], down: [], limit: 8 },
  { name: 'from 5: +100% beats +4 pods', current: 5, up: [], down: [], limit: 10 },
  { name: 'from 10: +100%', current: 10, up: [], down: [], limit: 20 },
  {
    name: 'a scale-up 10 s ago counts against the period',
    current: 10,
    up: [ago(5, 10)],
    down: [],
    limit: 10,
  },
  {
    name: 'a scale-up exactly 15 s ago no longer counts',
    current: 10,
    up: [ago(5, 15)],
    down: [],
    limit: 20,
  },
  {
    name: 'a scale-down within the period raises the start',
    current: 6,
    up: [],
    down: [ago(4, 5)],
    limit: 20,
  },
] as const;

for (const row of UP_ROWS) {
  test(`default scale-up limit (4 pods or 100% per 15 s): ${row.name}`, () => {
    assert.equal(
      calculateScaleUpLimitWithScalingRules(row.current, row.up, row.down, DEFAULTS.scaleUp, NOW),
      row.limit,
    );
  });
}

const DOWN_ROWS = [
  { name: 'from 10: down to 0 at once (100%)', current: 10, up: [], down: [], limit: 0 },
  {
    name: 'a scale-down 5 s ago: measured from the period start',
    current: 4,
    up: [],
    down: [ago(6, 5)],
    limit: 0,
  },
] as const;

for (const row of DOWN_ROWS) {
  test(`default scale-down limit (100% per 15 s): ${row.name}`, () => {
    assert.equal(
      calculateScaleDownLimitWithBehaviors(row.current, row.up, row.down, DEFAULTS.scaleDown, NOW),
      row.limit,
    );
  });
}

const RATE_ROWS = [
  { name: 'default: 1 -> 5', current: 1, desired: 50, up: [], replicas: 5, reason: 'ScaleUpLimit' },
  {
    name: 'default: held while the last +4 is within 15 s',
    current: 5,
    desired: 50,
    up: [ago(4, 10)],
    replicas: 5,
    reason: 'ScaleUpLimit',
  },
  {
    name: 'default: 5 -> 10 once it is not',
    current: 5,
    desired: 50,
    up: [ago(4, 15)],
    replicas: 10,
    reason: 'ScaleUpLimit',
  },
  { name: 'default: max binds', current: 40, desired: 500, up: [], replicas: 50, reason: 'TooManyReplicas' },
  {
    name: 'default: a scale-down to min at once',
    current: 40,
    desired: 1,
    up: [],
    replicas: 2,
    reason: 'TooFewReplicas',
  },
  {
    name: 'desired == current is returned unclamped',
    current: 60,
    desired: 60,
    up: [],
    replicas: 60,
    reason: 'DesiredWithinRange',
  },
] as const;

for (const row of RATE_ROWS) {
  test(`convertDesiredReplicasWithBehaviorRate: ${row.name}`, () => {
    const r = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: row.current,
      desiredReplicas: row.desired,
      minReplicas: 2,
      maxReplicas: 50,
      scaleUp: DEFAULTS.scaleUp,
      scaleDown: DEFAULTS.scaleDown,
      scaleUpEvents: row.up,
      scaleDownEvents: [],
      nowS: NOW,
    });
    assert.deepEqual([r.replicas, r.reason], [row.replicas, row.reason]);
  });
}

const rec = (replicas: number, ageS: number) => ({ replicas, timestampS: NOW - ageS });

const LEGACY_STABILIZE_ROWS = [
  {
    name: 'a recommendation exactly at the window edge still counts',
    recs: [rec(7, 300)],
    desired: 3,
    stabilized: 7,
    length: 2,
  },
  {
    name: 'one just beyond it does not, and its slot is reused',
    recs: [rec(7, 301)],
    desired: 3,
    stabilized: 3,
    length: 1,
  },
  { name: 'a scale-up is never held back', recs: [rec(2, 10)], desired: 9, stabilized: 9, length: 2 },
] as const;

for (const row of LEGACY_STABILIZE_ROWS) {
  test(`legacy stabilizeRecommendation (300 s): ${row.name}`, () => {
    const r = stabilizeRecommendation(row.recs, row.desired, 300, NOW);
    assert.deepEqual([r.stabilized, r.recommendations.length], [row.stabilized, row.length]);
  });
}

test('behavior stabilization: the windows are strict (a recommendation exactly W old is out)', () => {
  const r = stabilizeRecommendationWithBehaviors(
    [rec(9, 300), rec(8, 299)],
    { currentReplicas: 9, desiredReplicas: 3, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 300 },
    NOW,
  );
  assert.equal(r.stabilized, 8);
  assert.equal(r.reason, 'ScaleDownStabilized');
});

test('storeScaleEvent keeps nothing without behavior and never mutates its input', () => {
  const events = { scaleUpEvents: [ago(3, 100)], scaleDownEvents: [] };
  const frozen = JSON.stringify(events);
  assert.deepEqual(storeScaleEvent(null, events, 2, 5, NOW), events);
  const r = storeScaleEvent(DEFAULTS, events, 2, 5, NOW);
  // The 100 s old event is outdated for 15 s policies and its slot is reused.
  assert.deepEqual(r.scaleUpEvents, [{ replicaChange: 3, timestampS: NOW, outdated: false }]);
  assert.equal(JSON.stringify(events), frozen);
});
