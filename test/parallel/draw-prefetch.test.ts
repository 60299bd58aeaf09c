/**
 * Hot draws made ahead of time by a worker (parallel/draw-prefetch.ts) must be the draws the run's own
 * thread would make, in the same order, across block boundaries and many turns of each ring; a run
 * given them must be the same run; and a worker that fails must end the run with an error, not hang it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hotDraw, hotDraws, type DrawSpec } from '../../src/model/draws.js';
import {
  BLOCKS,
  MAX_PREFETCH_STREAMS,
  startDrawPrefetch,
  worthPrefetching,
} from '../../src/parallel/draw-prefetch.js';
import { writeRunReport } from '../../src/report/write.js';
import type { Dist } from '../../src/scenario/types.js';
import { baseSpec, merge, recordAll, scenarioFrom } from '../helpers/scenario.js';

const SPECS: DrawSpec[] = [
  { component: 'service:a:work', dist: { type: 'exponential', mean: 0.08 } },
  { component: 'service:b:work', dist: { type: 'lognormal', mean: 0.04, cv: 0.3 } },
  { component: 'service:c:work', dist: { type: 'normal', mean: 0.02, sd: 0.01 } },
  { component: 'service:d:work', dist: { type: 'uniform', min: 0.01, max: 0.03 } },
  { component: 'service:e:work', dist: { type: 'empirical', values: [0.01, 0.02, 0.05] } },
  { component: 'streams:0:cams#0', dist: null },
];

test('prefetched draws are the draws of each stream in order, through many blocks and turns of the ring', async () => {
  // Blocks of 7 values: reading 20 turns of each ring crosses every boundary the reader has, and the
  // streams are read at different paces (stream s takes s + 1 values at a time), as a run reads them.
  const blockSize = 7;
  const total = 20 * BLOCKS * blockSize;
  const prefetch = startDrawPrefetch(42, SPECS, blockSize);
  try {
    const expected = SPECS.map((spec) => {
      const draw = hotDraw(42, spec);
      return Array.from({ length: total }, () => draw());
    });
    const got = SPECS.map((): number[] => []);
    // One value of each stream, then a pause in which the worker fills every slot it may: a worker
    // that ran a block further ahead than BLOCKS would overwrite a block not yet copied out.
    SPECS.forEach((spec, s) => got[s].push(prefetch.draws.get(spec.component)!()));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    while (got.some((g) => g.length < total)) {
      SPECS.forEach((spec, s) => {
        const draw = prefetch.draws.get(spec.component)!;
        for (let i = 0; i <= s && got[s].length < total; i++) got[s].push(draw());
      });
    }
    SPECS.forEach((spec, s) => assert.deepEqual(got[s], expected[s], spec.component));
  } finally {
    await prefetch.close();
  }
});

test("blocks made here while the worker starts, then the worker's, are the stream in order", async () => {
  // 60 blocks read at once, before a new worker can have loaded (tens of ms): made in this thread, and
  // skipped by the worker; then, after a pause, the worker's blocks from where this thread stopped.
  const blockSize = 5;
  const prefetch = startDrawPrefetch(9, SPECS, blockSize);
  try {
    const got = SPECS.map((spec) => {
      const draw = prefetch.draws.get(spec.component)!;
      return Array.from({ length: 60 * blockSize + 2 }, () => draw());
    });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    SPECS.forEach((spec, s) => {
      const draw = prefetch.draws.get(spec.component)!;
      for (let i = 0; i < 10 * BLOCKS * blockSize; i++) got[s].push(draw());
      const own = hotDraw(9, spec);
      assert.deepEqual(
        got[s],
        got[s].map(() => own()),
        spec.component,
      );
    });
  } finally {
    await prefetch.close();
  }
});

test('a run given prefetched draws is the same run: result, rows, pod and node rows, events', async () => {
  // Poisson arrivals whose count changes (each change draws a new gap), exponential and lognormal
  // services (notify and poll), batches, a constant-time service (not prefetched), scaling.
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      duration: '3m',
      nodePools: { pool: { count: 2, cores: 6 } },
      models: {
        exp: { serviceTime: { type: 'exponential', mean: '90ms' } },
        logn: { serviceTime: { type: 'lognormal', mean: '40ms', cv: 0.5 } },
      },
      services: {
        svc: { model: 'm', replicas: 2 },
        notify: {
          model: 'exp',
          replicas: 3,
          wakeup: 'notify',
          queue: { capacity: 8, dropPolicy: 'drop-newest' },
          scaleEvents: [{ at: '60s', replicas: 6 }],
        },
        poll: { model: 'logn', replicas: 2, batchSize: 2 },
      },
      streams: [
        { type: 'svc', fps: 10, phase: 0 },
        {
          type: 'notify',
          arrivals: 'poisson',
          rate: 10,
          count: 3,
          schedule: [
            { at: '40s', count: 6 },
            { at: '100s', count: 0 },
            { at: '110s', count: 4 },
          ],
        },
        { type: 'poll', arrivals: 'poisson', rate: 30 },
      ],
    }),
  );
  const specs = hotDraws(scenario);
  assert.deepEqual(
    specs.map((s) => s.component),
    ['service:notify:work', 'service:poll:work', 'streams:1:notify#1', 'streams:2:poll#2'],
  );
  const inThread = recordAll(scenario);
  const prefetch = startDrawPrefetch(scenario.seed, specs, 64);
  try {
    const ahead = recordAll(scenario, { draws: prefetch.draws });
    assert.ok(ahead.result.total.offeredFrames > 10_000);
    assert.deepEqual(ahead, inThread);
  } finally {
    await prefetch.close();
  }
});

test('writeRunReport with prefetched draws writes the same files as without', async () => {
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      duration: '2m',
      models: { exp: { serviceTime: { type: 'exponential', mean: '50ms' } } },
      services: { svc: { model: 'exp', replicas: 4, wakeup: 'notify' } },
      streams: [{ type: 'svc', arrivals: 'poisson', rate: 60 }],
    }),
  );
  const root = mkdtempSync(join(tmpdir(), 'inferscale-prefetch-'));
  try {
    for (const [dir, prefetchDraws] of [
      ['on', true],
      ['off', false],
    ] as const)
      await writeRunReport(scenario, join(root, dir), { report: false, prefetchDraws });
    const files = readdirSync(join(root, 'on')).sort();
    assert.deepEqual(files, readdirSync(join(root, 'off')).sort());
    assert.ok(files.includes('timeseries.csv') && files.includes('summary.json'));
    for (const f of files)
      assert.equal(readFileSync(join(root, 'on', f), 'utf8'), readFileSync(join(root, 'off', f), 'utf8'), f);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a worker that fails ends the read with an error instead of a wait, and close() reports it', async () => {
  // A distribution the samplers do not know: the worker throws while it builds its samplers.
  const bad: DrawSpec = { component: 'service:x:work', dist: { type: 'bogus' } as unknown as Dist };
  const prefetch = startDrawPrefetch(1, [bad], 16, { startHere: false });
  const draw = prefetch.draws.get('service:x:work')!;
  const t0 = performance.now();
  assert.throws(() => draw(), /prefetch worker failed/);
  assert.ok(performance.now() - t0 < 30_000);
  await assert.rejects(prefetch.close());
});

test('a report run whose worker fails rejects and leaves none of its files open', async (t) => {
  if (!existsSync('/proc/self/fd')) return t.skip('needs /proc/self/fd (Linux)');
  // A service-time distribution only the worker builds (the run reads that stream from the worker):
  // the worker fails, the run's read throws, and close() rejects too.
  const scenario = scenarioFrom(
    merge(baseSpec(), {
      models: { exp: { serviceTime: { type: 'exponential', mean: '50ms' } } },
      services: { svc: { model: 'exp', replicas: 2 } },
    }),
  );
  scenario.models.exp.serviceTime = { type: 'bogus' } as unknown as Dist;
  const root = mkdtempSync(join(tmpdir(), 'inferscale-prefetch-fail-'));
  const openHere = (): string[] =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((target) => target.startsWith(root));
  try {
    await assert.rejects(
      writeRunReport(scenario, join(root, 'out'), { report: false, prefetchDraws: true }),
      /prefetch worker failed|is not a function/,
    );
    assert.deepEqual(openHere(), []);
    assert.equal(existsSync(join(root, 'out')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('only runs long enough on two cores or more prefetch, and at most MAX_PREFETCH_STREAMS streams', async () => {
  assert.equal(worthPrefetching(1e7, 2, 2), true);
  assert.equal(worthPrefetching(1e7, 2, 1), false);
  assert.equal(worthPrefetching(1e5, 2, 2), false);
  assert.equal(worthPrefetching(1e7, 0, 2), false);
  const many: DrawSpec[] = Array.from({ length: MAX_PREFETCH_STREAMS + 3 }, (_, i) => ({
    component: `service:s${i}:work`,
    dist: { type: 'exponential', mean: 0.01 },
  }));
  const prefetch = startDrawPrefetch(3, many, 8);
  try {
    assert.equal(prefetch.draws.size, MAX_PREFETCH_STREAMS);
    const last = many[MAX_PREFETCH_STREAMS - 1];
    assert.equal(prefetch.draws.get(last.component)!(), hotDraw(3, last)());
    assert.equal(prefetch.draws.has(many[MAX_PREFETCH_STREAMS].component), false);
  } finally {
    await prefetch.close();
  }
});
