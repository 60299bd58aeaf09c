/**
 * State that lives for the whole run stays bounded by the world's size, not by the frames it has
 * seen: a long run must not use more memory the longer it runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../../src/model/world.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

test('notify wake-up: the idle list stays within the pod count when a service always has idle pods', () => {
  // 6 pods of 100 ms frames against 25 FPS: about 2.5 pods busy, so the idle list never empties
  // and each frame takes one pod off its head and puts one back on its tail. Half-way the service
  // scales down to 3 pods (removal from the idle list) and stays over-provisioned.
  const pods = 6;
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      duration: '1h',
      services: {
        svc: { wakeup: 'notify', replicas: pods, scaleEvents: [{ at: '30m', replicas: 3 }] },
      },
      streams: [{ type: 'svc', fps: 25, phase: 0 }],
    }),
  );
  const world = new World(scenario, scenario.seed, scenario.durationUs, { event: () => {} });
  const svc = world.services[0];
  world.start();
  let maxIdle = 0;
  let maxLive = 0;
  const heap = world.heap;
  while (heap.pop()) {
    world.now = heap.timeUs;
    world.dispatch(heap.eventKind, heap.a, heap.b);
    maxIdle = Math.max(maxIdle, svc.idleLen, svc.idle.length);
    maxLive = Math.max(maxLive, svc.idleLen - svc.idleHead);
  }
  // The run really was the case in question: 90 000 frames, all served at once, idle pods all along.
  assert.ok(svc.offered >= 25 * 3600);
  assert.equal(svc.inferred + svc.inService, svc.offered);
  assert.equal(svc.dropped, 0);
  assert.ok(maxLive >= 3 && maxLive <= pods, `at most ${maxLive} pods were idle at once`);
  // Consumed entries may linger until the list is compacted, but never more than a constant plus
  // the pod count of them.
  assert.ok(maxIdle <= 2 * pods + 40, `the idle list reached ${maxIdle} entries for ${pods} pods`);
});
