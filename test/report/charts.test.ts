/** The chart specs: valid Vega-Lite, compiled without warnings, drawing what each chart is for. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hpaChart,
  latencyChart,
  nodesChart,
  queueChart,
  reportCharts,
  fpsChart,
  type VlSpec,
} from '../../src/report/charts.js';
import { compileToVega } from '../../src/report/svg.js';
import { ReportCollector, type ReportInput } from '../../src/report/series.js';
import type { RunResult } from '../../src/model/simulate.js';
import { reportInputFor } from './input.js';
import { vegaLiteSchemaErrors } from './vl-schema.js';

const input = await reportInputFor();

type Panel = { title: string; layer: VlSpec[] };
const panels = (spec: VlSpec) => spec.vconcat as Panel[];

// Panels without decisions share the colour scale with panels that have some: still no warning.
const someDecisions: ReportInput = {
  ...input,
  decisions: input.decisions.filter((d) => d.service === 'svc'),
};

for (const interactive of [false, true]) {
  test(`every ${interactive ? 'interactive' : 'static'} spec validates against the vega-lite schema and compiles cleanly`, async () => {
    const charts = reportCharts(input, { interactive });
    assert.deepEqual(
      charts.map((c) => c.name),
      ['fps', 'replicas', 'queue', 'latency', 'hpa', 'nodes'],
    );
    for (const chart of [...charts, ...reportCharts(someDecisions, { interactive })]) {
      assert.deepEqual(vegaLiteSchemaErrors(chart.spec), [], chart.name);
      const { warnings } = await compileToVega(chart.spec);
      assert.deepEqual(warnings, [], chart.name);
    }
  });
}

test('one panel per service, with a titled time axis in the unit the duration calls for', () => {
  const spec = fpsChart(input, { interactive: false }).spec;
  assert.deepEqual(
    panels(spec).map((p) => p.title),
    ['svc', 'other'],
  );
  const x = (panels(spec)[1].layer[0].encoding as Record<string, VlSpec>).x;
  assert.equal(x.title, 'time (s)');
  assert.deepEqual((x.scale as VlSpec).domain, [0, 120]);
  assert.match(JSON.stringify(spec.title), /One point per 1 s step/);
});

test('the interactive variant zooms every panel on time and adds hover tooltips', () => {
  const spec = fpsChart(input, { interactive: true }).spec;
  const [zoom] = spec.params as VlSpec[];
  assert.equal(zoom.bind, 'scales');
  assert.deepEqual(zoom.views, ['fps_0', 'fps_1']);
  for (const p of panels(spec)) {
    const hover = p.layer[p.layer.length - 1];
    assert.ok((hover.encoding as VlSpec).tooltip, 'no tooltip');
  }
  assert.equal(fpsChart(input, { interactive: false }).spec.params, undefined);
});

test('replicas: HPA decisions and manual scales are rules with their detail as tooltip', () => {
  const spec = reportCharts(input, { interactive: false })[1].spec;
  const decisions = (spec.datasets as Record<string, { kind: string; detail: string }[]>).decisions;
  const kinds = new Set(decisions.map((d) => d.kind));
  assert.ok(kinds.has('HPA rescale') && kinds.has('manual scale'), [...kinds].join(', '));
  const rules = panels(spec).flatMap((p) => p.layer.filter((l) => (l.mark as VlSpec).type === 'rule'));
  assert.equal(rules.length, 2);
  for (const r of rules) assert.ok(JSON.stringify(r.encoding).includes('"field":"detail"'));
});

test('queue: a capacity rule per service when the scenario is known, none when it is not', () => {
  const capacityRules = (i: ReportInput) =>
    panels(queueChart(i, { interactive: false }).spec).map((p) =>
      p.layer.filter((l) => (l.mark as VlSpec).type === 'rule').map((l) => (l.data as VlSpec).values),
    );
  assert.deepEqual(capacityRules(input), [
    [[{ capacity: 32, series: 'capacity' }]],
    [[{ capacity: 8, series: 'capacity' }]],
  ]);
  assert.deepEqual(capacityRules({ ...input, scenario: null }), [[], []]);
});

test('hpa: only services with an HPA, named by their metric; no chart without an HPA', () => {
  const spec = hpaChart(input, { interactive: false })!.spec;
  assert.deepEqual(
    panels(spec).map((p) => p.title),
    ['svc: cpu utilization'],
  );
  const scenario = {
    ...input.scenario!,
    services: input.scenario!.services.map((s) => ({ ...s, hpa: null })),
  };
  assert.equal(hpaChart({ ...input, scenario }, { interactive: false }), null);
  // Without scenario.json, the rows that carry a target tell which services have an HPA.
  assert.deepEqual(
    panels(hpaChart({ ...input, scenario: null }, { interactive: false })!.spec).map((p) => p.title),
    ['svc: first HPA metric'],
  );
});

test('hpa: KEDA and KPA services are drawn too, named by what their autoscaler reads', async () => {
  const run = await reportInputFor({
    duration: '40s',
    services: {
      svc: { model: 'm', keda: { triggers: [{ type: 'redis', metadata: { listLength: '5' } }] } },
      other: { model: 'm', kpa: { target: 1 } },
    },
    streams: [
      { type: 'svc', fps: 15, phase: 0 },
      { type: 'other', fps: 12, phase: 0 },
    ],
  });
  const spec = hpaChart(run, { interactive: false })!.spec;
  assert.equal((spec.title as { text: string }).text, 'What each autoscaler saw against its target');
  assert.deepEqual(
    panels(spec).map((p) => p.title),
    ['svc: s0-redis-queue_svc', 'other: frames in flight per ready pod (KPA stable window)'],
  );
  assert.deepEqual(vegaLiteSchemaErrors(spec), []);
});

test('latency: p50, p95 and p99 lines in every panel', () => {
  const spec = latencyChart(input, { interactive: false }).spec;
  for (const p of panels(spec)) {
    const ys = p.layer
      .filter((l) => (l.mark as VlSpec).type === 'line')
      .map((l) => ((l.encoding as VlSpec).y as VlSpec).field);
    assert.deepEqual(ys, ['latency_p50_s', 'latency_p95_s', 'latency_p99_s']);
  }
  const series = (spec.datasets as Record<string, Record<string, unknown>[]>).series;
  assert.ok(series.every((r) => 'latency_p50_s' in r && 'latency_p99_s' in r));
});

test('nodes: one panel per pool with used, requested and capacity from nodes.csv; none without it', () => {
  const spec = nodesChart(input, { interactive: false })!.spec;
  assert.deepEqual(
    panels(spec).map((p) => p.title),
    ['pool (1 node)'],
  );
  const nodes = (spec.datasets as Record<string, Record<string, unknown>[]>).nodes;
  assert.equal(nodes.length, 120);
  assert.deepEqual(Object.keys(nodes[0]), [
    'time',
    'pool',
    'cpu_used_cores',
    'cpu_requested_cores',
    'cpu_cores',
  ]);
  assert.ok(nodes.every((r) => r.cpu_cores === 8));
  // TWO_SERVICES: svc requests 0.5 CPU per replica and scales to 2; `other` requests none.
  assert.deepEqual([...new Set(nodes.map((r) => r.cpu_requested_cores))].sort(), [0.5, 1]);
  assert.ok(nodes.some((r) => (r.cpu_used_cores as number) > 1));
  assert.equal(nodesChart({ ...input, nodePoints: [] }, { interactive: false }), null);
});

test('a startup burst does not flatten the rest: the y axis is cut and the panel gives the peak', () => {
  const c = new ReportCollector(600e6, 1e6);
  for (let t = 1; t <= 600; t++)
    c.row({
      timeS: t,
      service: 'a',
      replicas: 1,
      readyReplicas: 1,
      queueLength: 0,
      offeredFps: 25,
      inferFps: 20,
      dropFps: t <= 3 ? 300 : 5,
      scaleRatio: null,
      cpuUtilization: null,
      latencyP50S: 0.1,
      latencyP95S: 0.2,
      latencyP99S: 0.3,
      desiredReplicas: 1,
      hpaMetric: null,
      hpaTarget: null,
    });
  const result = {
    ...input.result,
    durationSeconds: 600,
    services: [{ ...input.result.services[0], service: 'a' }],
  };
  const spec = fpsChart(c.finish(result as RunResult, null), { interactive: false }).spec;
  const [panel] = panels(spec);
  assert.equal(panel.title, 'a (y axis cut: peak 300)');
  assert.deepEqual(((panel.layer[0].encoding as Record<string, VlSpec>).y.scale as VlSpec).domain, [0, 50]);
  assert.deepEqual(vegaLiteSchemaErrors(spec), []);
});

test('a day of 1 s steps for five services stays within 2000 points per series, and says so', async () => {
  const c = new ReportCollector(86400e6, 1e6);
  const services = ['s1', 's2', 's3', 's4', 's5'];
  for (let t = 1; t <= 86400; t++)
    for (const service of services)
      c.row({
        timeS: t,
        service,
        replicas: 1,
        readyReplicas: 1,
        queueLength: t % 50,
        offeredFps: 25,
        inferFps: 20 + Math.sin(t / 3600),
        dropFps: 5,
        scaleRatio: null,
        cpuUtilization: null,
        latencyP50S: 0.1,
        latencyP95S: 0.2,
        latencyP99S: 0.3,
        desiredReplicas: 1,
        hpaMetric: null,
        hpaTarget: null,
      });
  const result = {
    ...input.result,
    durationSeconds: 86400,
    services: services.map((service) => ({ ...input.result.services[0], service })),
  };
  const day = c.finish(result as RunResult, null);
  for (const chart of reportCharts(day, { interactive: false })) {
    const series = (chart.spec.datasets as Record<string, unknown[]>).series;
    assert.ok(series.length <= 5 * 2000, `${chart.name}: ${series.length} rows`);
    assert.match(JSON.stringify(chart.spec.title), /mean over 44 s \(44 steps\)/);
    assert.equal(panels(chart.spec).length, 5);
    const x = (panels(chart.spec)[4].layer[0].encoding as Record<string, VlSpec>).x;
    assert.equal(x.title, 'time (h)');
  }
});
