/**
 * The autoscaler registry: its names, and that every scenario key it names is a service key of
 * the scenario schema (so the "give one autoscaler" errors and the schema agree).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTOSCALERS, AUTOSCALER_NAMES, isAutoscalerName } from '../../src/autoscale/registry.js';
import { Service } from '../../src/scenario/schema.js';
import { autoscalerOf } from '../../src/model/autoscaling.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

test('the registry holds hpa, keda, kpa, oracle and predictive, each described', () => {
  assert.deepEqual(AUTOSCALER_NAMES, ['hpa', 'keda', 'kpa', 'oracle', 'predictive']);
  for (const name of AUTOSCALER_NAMES) {
    assert.ok(AUTOSCALERS[name].description.length > 20, name);
    assert.equal(typeof AUTOSCALERS[name].create, 'function');
  }
  assert.ok(isAutoscalerName('kpa'));
  assert.ok(!isAutoscalerName('toString'));
});

test('every scenario key of the registry is a key of a service', () => {
  const keys = Object.keys(Service.properties);
  for (const name of AUTOSCALER_NAMES)
    for (const k of AUTOSCALERS[name].scenarioKeys) assert.ok(keys.includes(k), `${name}: ${k}`);
});

test('the model runs the policy the scenario names', () => {
  const policyOf = (svc: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    autoscalerOf(scenarioFrom(merge(baseSpec(), { services: { svc }, ...extra })).services[0]);
  assert.equal(policyOf({}), null);
  assert.equal(policyOf({ autoscale: { cpuPercent: 80, max: 3 } }), 'hpa');
  assert.equal(policyOf({ keda: { triggers: [{ type: 'redis', metadata: {} }] } }), 'keda');
  assert.equal(policyOf({ kpa: {} }), 'kpa');
  assert.equal(policyOf({ autoscale: { cpuPercent: 80, max: 3 }, predictive: {} }), 'predictive');
  assert.equal(policyOf({ oracle: {} }, { slo: { maxDropPercent: 1 } }), 'oracle');
});
