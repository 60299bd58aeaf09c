/** The report's one pass over rows and events: buckets, time units, decision thinning. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimeseriesRow } from '../../src/model/simulate.js';
import {
  MAX_DECISIONS_PER_SERIES,
  MAX_POINTS_PER_SERIES,
  MAX_TABLE_EVENTS,
  ReportCollector,
  stepCount,
  timeUnitFor,
} from '../../src/report/series.js';
import type { RunResult } from '../../src/model/simulate.js';

function row(service: string, timeS: number, patch: Partial<TimeseriesRow> = {}): TimeseriesRow {
  return {
    timeS,
    service,
    replicas: 1,
    readyReplicas: 1,
    queueLength: 0,
    offeredFps: 10,
    inferFps: 10,
    dropFps: 0,
    scaleRatio: null,
    cpuUtilization: null,
    latencyP50S: 0.05,
    latencyP95S: 0.1,
    latencyP99S: 0.2,
    desiredReplicas: 1,
    hpaMetric: null,
    hpaTarget: null,
    ...patch,
  };
}

const RESULT = {} as RunResult;

for (const [name, seconds, label] of [
  ['a minute reads in seconds', 60, 's'],
  ['three minutes still read in seconds', 180, 's'],
  ['just over three minutes reads in minutes', 181, 'min'],
  ['three hours read in minutes', 3 * 3600, 'min'],
  ['a day reads in hours', 86400, 'h'],
] as const) {
  test(`time unit: ${name}`, () => assert.equal(timeUnitFor(seconds).label, label));
}

for (const [name, durationUs, stepUs, steps] of [
  ['whole steps', 60e6, 1e6, 60],
  ['a shorter last step', 60.5e6, 1e6, 61],
  ['a step longer than the run', 0.5e6, 1e6, 1],
] as const) {
  test(`step count: ${name}`, () => assert.equal(stepCount(durationUs, stepUs), steps));
}

test('short runs keep every step as a point, in the chart time unit', () => {
  const c = new ReportCollector(60e6, 1e6);
  for (let t = 1; t <= 60; t++) c.row(row('a', t, { queueLength: t }));
  const input = c.finish(RESULT, null);
  assert.equal(input.bucketSteps, 1);
  assert.equal(input.points.length, 60);
  assert.deepEqual(
    input.points.slice(0, 2).map((p) => [p.time, p.queue_length]),
    [
      [1, 1],
      [2, 2],
    ],
  );
});

test('a day of 1 s steps for 5 services becomes at most 2000 points per service, each a bucket mean', () => {
  const c = new ReportCollector(86400e6, 1e6);
  const services = ['s1', 's2', 's3', 's4', 's5'];
  for (let t = 1; t <= 86400; t++)
    for (const s of services) c.row(row(s, t, { offeredFps: t % 2, latencyP95S: t % 3 === 0 ? null : 2 }));
  const input = c.finish(RESULT, null);
  assert.equal(input.timeUnit.label, 'h');
  assert.equal(input.bucketSteps, Math.ceil(86400 / MAX_POINTS_PER_SERIES));
  for (const s of services) {
    const points = input.points.filter((p) => p.service === s);
    assert.ok(points.length <= MAX_POINTS_PER_SERIES, `${s}: ${points.length} points`);
    assert.equal(points.length, Math.ceil(86400 / input.bucketSteps));
    // 44 steps alternate 1, 0: the mean is 0.5; null latencies are left out of the mean, not zeros.
    assert.equal(points[0].offered_fps, 0.5);
    assert.equal(points[0].latency_p95_s, 2);
    assert.equal(points[0].time, Number((input.bucketSteps / 3600).toPrecision(6)));
    assert.equal(points[points.length - 1].time, 24);
  }
});

test('a bucket with no value at all is null (a gap in the line), not zero', () => {
  const c = new ReportCollector(4000e6, 1e6);
  for (let t = 1; t <= 4000; t++) c.row(row('a', t, { latencyP95S: t <= 2 ? null : 1 }));
  const input = c.finish(RESULT, null);
  assert.equal(input.bucketSteps, 2);
  assert.equal(input.points[0].latency_p95_s, null);
  assert.equal(input.points[1].latency_p95_s, 1);
});

test('decisions: the first of each kind per slot and service is drawn, the rest counted', () => {
  const c = new ReportCollector(600e6, 1e6);
  const slot = 600 / MAX_DECISIONS_PER_SERIES;
  for (let t = 0; t < 600; t++) {
    c.event({ timeS: t, service: 'a', event: 'hpa-limited', detail: `limited at ${t}` });
    if (t === 100) c.event({ timeS: t, service: 'a', event: 'hpa-rescale', detail: 'New size: 2' });
    c.event({ timeS: t, service: 'a', event: 'pod-ready', detail: 'not a decision' });
  }
  c.event({ timeS: 300, service: 'b', event: 'scale', detail: 'manual scale 1 -> 2 replicas' });
  const input = c.finish(RESULT, null);
  const limited = input.decisions.filter((d) => d.kind === 'HPA limited');
  assert.equal(limited.length, MAX_DECISIONS_PER_SERIES);
  assert.equal(limited[0].detail, 'limited at 0');
  assert.equal(limited[0].more, slot - 1);
  assert.deepEqual(
    input.decisions.filter((d) => d.kind !== 'HPA limited').map((d) => [d.service, d.kind, d.time]),
    [
      ['a', 'HPA rescale', Number((100 / 60).toPrecision(6))],
      ['b', 'manual scale', 5],
    ],
  );
  assert.equal(input.decisionsFolded, 600 - MAX_DECISIONS_PER_SERIES);
  assert.equal(input.eventCount, 1202);
  assert.equal(input.events.length, 1202);
});

test('the events table keeps the first events and counts them all', () => {
  const c = new ReportCollector(600e6, 1e6);
  for (let i = 0; i < MAX_TABLE_EVENTS + 10; i++)
    c.event({ timeS: i / 10, service: 'a', event: 'pod-ready', detail: String(i) });
  const input = c.finish(RESULT, null);
  assert.equal(input.events.length, MAX_TABLE_EVENTS);
  assert.equal(input.events[0].detail, '0');
  assert.equal(input.eventCount, MAX_TABLE_EVENTS + 10);
});
