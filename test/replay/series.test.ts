/**
 * The clean-up of recorded series, one named row per case: what is kept, and the warning (kind,
 * count, ranges) each oddity gives; the lookup on the grid (staleness); counters across resets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesBuilder, counterRate, valueAt, type ReplayWarning } from '../../src/replay/series.js';
import { importText, promValue } from '../../src/replay/import.js';

interface Row {
  name: string;
  metric?: string;
  samples: [number, number][];
  kept: [number, number][];
  warnings: { kind: ReplayWarning['kind']; count: number; ranges: [number, number][] }[];
}

const rows: Row[] = [
  {
    name: 'clean series',
    samples: [
      [0, 1],
      [15, 2],
      [30, 3],
    ],
    kept: [
      [0, 1],
      [15, 2],
      [30, 3],
    ],
    warnings: [],
  },
  {
    name: 'out of order: sorted, the late samples named',
    samples: [
      [0, 1],
      [30, 3],
      [15, 2],
      [45, 4],
    ],
    kept: [
      [0, 1],
      [15, 2],
      [30, 3],
      [45, 4],
    ],
    warnings: [{ kind: 'out-of-order', count: 1, ranges: [[15, 15]] }],
  },
  {
    name: 'duplicates: the first kept',
    samples: [
      [0, 1],
      [15, 2],
      [15, 9],
      [30, 3],
    ],
    kept: [
      [0, 1],
      [15, 2],
      [30, 3],
    ],
    warnings: [{ kind: 'duplicate', count: 1, ranges: [[15, 15]] }],
  },
  {
    name: 'NaN and infinities dropped, each run a range',
    samples: [
      [0, 1],
      [15, NaN],
      [30, NaN],
      [45, 4],
      [60, Infinity],
      [75, -Infinity],
      [90, 7],
    ],
    kept: [
      [0, 1],
      [45, 4],
      [90, 7],
    ],
    warnings: [
      { kind: 'nan', count: 2, ranges: [[15, 30]] },
      { kind: 'inf', count: 2, ranges: [[60, 75]] },
      {
        kind: 'gap',
        count: 2,
        ranges: [
          [0, 45],
          [45, 90],
        ],
      },
    ],
  },
  {
    name: 'a gap longer than staleAfter',
    samples: [
      [0, 1],
      [15, 2],
      [120, 3],
      [135, 4],
    ],
    kept: [
      [0, 1],
      [15, 2],
      [120, 3],
      [135, 4],
    ],
    warnings: [{ kind: 'gap', count: 1, ranges: [[15, 120]] }],
  },
  {
    name: 'a counter reset',
    metric: 'container_cpu_usage_seconds_total',
    samples: [
      [0, 10],
      [15, 20],
      [30, 2],
      [45, 5],
    ],
    kept: [
      [0, 10],
      [15, 20],
      [30, 2],
      [45, 5],
    ],
    warnings: [{ kind: 'counter-reset', count: 1, ranges: [[30, 30]] }],
  },
];

for (const row of rows)
  test(`clean-up: ${row.name}`, () => {
    const b = new SeriesBuilder();
    for (const [t, v] of row.samples) b.add(row.metric ?? 'ei_infer_fps', { pod: 'p' }, t, v);
    const { series, warnings } = b.finish(30);
    assert.deepEqual(
      series[0].t.map((t, i) => [t, series[0].v[i]]),
      row.kept,
    );
    assert.deepEqual(
      warnings.map((w) => ({ kind: w.kind, count: w.count, ranges: w.ranges.map((r) => [r.fromS, r.toS]) })),
      row.warnings,
    );
  });

test('valueAt: the newest sample at or before the time, none once older than staleAfter', () => {
  const s = { name: 'x', labels: {}, t: [10, 20, 30], v: [1, 2, 3] };
  assert.equal(valueAt(s, 5, 30).value, null);
  assert.equal(valueAt(s, 10, 30).value, 1);
  assert.equal(valueAt(s, 25, 30).value, 2);
  assert.equal(valueAt(s, 60, 30).value, 3);
  assert.equal(valueAt(s, 60.5, 30).value, null);
});

test('counterRate reads across a reset as rate() does', () => {
  const s = { name: 'c_total', labels: {}, t: [0, 10, 20, 30], v: [100, 110, 5, 15] };
  // 10 + 5 (after the reset, from 0) + 10 over 30 s.
  assert.equal(counterRate(s, 0, 30), 25 / 30);
});

test('sample values as Prometheus writes them', () => {
  assert.ok(Number.isNaN(promValue('NaN')));
  assert.equal(promValue('+Inf'), Infinity);
  assert.equal(promValue('-Inf'), -Infinity);
  assert.equal(promValue('1.5e3'), 1500);
});

test('Prometheus text without # EOF has millisecond timestamps; OpenMetrics with it, seconds', () => {
  const a = new SeriesBuilder();
  importText('a.prom', '# TYPE up gauge\nup{job="x"} 1 1767225600000\n', a);
  const b = new SeriesBuilder();
  importText('b.om', '# TYPE up gauge\nup{job="x"} 1 1767225600\n# EOF\n', b);
  assert.deepEqual(a.finish(30).series[0].t, [1767225600]);
  assert.deepEqual(b.finish(30).series[0].t, [1767225600]);
  assert.throws(
    () => importText('c.prom', 'up 1\n', new SeriesBuilder()),
    /c\.prom:1:\d+: a sample without a timestamp/,
  );
});
