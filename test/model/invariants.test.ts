/**
 * Invariants every change keeps (DESIGN.md): frames conserved at every step, no pod serving before
 * Ready, same seed -> same bytes, another seed -> other bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, scenarioFrom, baseSpec, merge, CHURN as churn } from '../helpers/scenario.js';
import { writeRunReport } from '../../src/report/write.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fileURLToPath } from 'node:url';

test('frames are conserved at every step (checked by the run) and at the end', () => {
  for (const seed of [1, 2, 3]) {
    const { result } = run(churn, { seed });
    for (const s of [...result.services, result.total]) {
      assert.equal(s.offeredFrames, s.inferredFrames + s.droppedFrames + s.queuedAtEnd + s.inServiceAtEnd);
    }
    assert.ok(result.total.droppedFrames > 0 && result.total.inferredFrames > 0);
  }
});

test('no pod serves before Ready: nothing is inferred in a step that ends before the first Ready', () => {
  const { rows, events } = run(churn);
  for (const svc of ['svc', 'newest', 'oldest']) {
    const firstReady = events.find((e) => e.service === svc && e.event === 'pod-ready')!.timeUs / 1e6;
    const early = rows.filter((r) => r.service === svc && r.timeS < firstReady);
    assert.ok(early.length > 0);
    assert.ok(
      early.every((r) => r.inferFps === 0 && r.readyReplicas === 0),
      `${svc} served before ${firstReady}s`,
    );
  }
  // After scaling to 0 at 90 s, svc serves nothing until a new pod is Ready.
  const back =
    events.find((e) => e.service === 'svc' && e.event === 'pod-ready' && e.timeUs > 100e6)!.timeUs / 1e6;
  const gap = rows.filter((r) => r.service === 'svc' && r.timeS > 91 && r.timeS < back);
  assert.ok(gap.length > 0 && gap.every((r) => r.inferFps === 0));
});

test('replicas never exceed the desired count once terminations finish, and ready <= replicas', () => {
  const { rows } = run(churn);
  for (const r of rows) assert.ok(r.readyReplicas <= r.replicas, `${r.service} at ${r.timeS}s`);
  assert.ok(
    rows.filter((r) => r.service === 'svc' && r.timeS > 95 && r.timeS < 100).every((r) => r.replicas === 0),
  );
});

function reportFiles(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

test('same scenario and seed give byte-identical report files; another seed differs', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'inferscale-det-'));
  try {
    const scenario = scenarioFrom(merge(baseSpec(), churn));
    // The CSV and JSON files (test/report covers the charts and the page).
    await writeRunReport(scenario, join(tmp, 'a'), { report: false });
    await writeRunReport(scenario, join(tmp, 'b'), { report: false });
    await writeRunReport(scenario, join(tmp, 'c'), { seed: 2, report: false });
    const a = reportFiles(join(tmp, 'a'));
    const b = reportFiles(join(tmp, 'b'));
    const c = reportFiles(join(tmp, 'c'));
    assert.deepEqual(
      [...a.keys()],
      ['events.csv', 'nodes.csv', 'scenario.json', 'summary.json', 'timeseries.csv'],
    );
    for (const [f, bytes] of a)
      assert.ok(bytes.equals(b.get(f)!), `${f} differs between two runs with one seed`);
    assert.ok(!a.get('timeseries.csv')!.equals(c.get('timeseries.csv')!), 'seed 2 gave the same time series');
    assert.equal(readdirSync(tmp).length, 3, 'a temporary folder was left behind');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('adding a stream group does not change the draws of another (one random stream per component)', () => {
  const one = run({ ...churn, streams: [churn.streams[1]] });
  const two = run({ ...churn, streams: [churn.streams[1], { type: 'oldest', fps: 1 }] });
  const offered = (r: typeof one) => r.result.services.find((s) => s.service === 'newest')!.offeredFrames;
  assert.equal(offered(one), offered(two));
});

test('with HPAs and the metrics pipeline, one seed still gives byte-identical files', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'inferscale-det-hpa-'));
  try {
    const file = fileURLToPath(new URL('../../../scenarios/seed-demo-hpa.yaml', import.meta.url));
    const scenario = loadScenario(file);
    await writeRunReport(scenario, join(tmp, 'a'), { durationUs: 300e6, report: false });
    await writeRunReport(scenario, join(tmp, 'b'), { durationUs: 300e6, report: false });
    const a = reportFiles(join(tmp, 'a'));
    const b = reportFiles(join(tmp, 'b'));
    for (const [f, bytes] of a)
      assert.ok(bytes.equals(b.get(f)!), `${f} differs between two runs with one seed`);
    assert.match(a.get('events.csv')!.toString(), /hpa-rescale/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
