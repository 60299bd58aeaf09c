/**
 * `inferscale replay` on recorded files as a user runs it: a simulated "cluster"
 * (test/fixtures/replay/recorded.yaml) exported with `simulate --openmetrics`, replayed from the
 * OpenMetrics text, from the same samples as query_range JSON and as CSV (the same calibrated
 * scenario from each), the fits and the fidelity against what the fixture holds; an arrival trace
 * whose per-second counts the simulation offers exactly; the dry run through tune; warnings for
 * NaN, +Inf and out-of-order samples; bad input (exit 2, file:line:col, nothing written).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/model/simulate.js';
import { loadScenario } from '../../src/scenario/load.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RECORDED = join(ROOT, 'test/fixtures/replay/recorded.yaml');
const T0 = 1767225600;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'inferscale-replay-'));
const om = join(dir, 'recorded.om');
const mapping = join(dir, 'mapping.yaml');

before(() => {
  const r = cli([
    'simulate',
    RECORDED,
    '--no-report',
    '--quiet',
    '--out',
    join(dir, 'run'),
    '--openmetrics',
    om,
  ]);
  assert.equal(r.status, 0, r.stderr);
  // The export has a sample per second: a series without one for 2 s has ended (a pod gone).
  writeFileSync(mapping, 'staleAfter: 2s\n');
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  t: number;
  v: string;
}

function samplesOf(file: string): Sample[] {
  const out: Sample[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const kv of m[2].split(',')) {
      const [k, v] = kv.split('=');
      labels[k] = JSON.parse(v) as string;
    }
    out.push({ name: m[1], labels, t: Number(m[4]), v: m[3] });
  }
  return out;
}

/** The rows of summary.md's "Files read" table: [field, file, bytes, sha256]. */
function filesRead(out: string): string[][] {
  const md = readFileSync(join(out, 'summary.md'), 'utf8');
  const section = md.slice(md.indexOf('## Files read'));
  assert.ok(md.includes('## Files read'), md);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| field') && !l.startsWith('| ---'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.replace(/^`|`$/g, '')),
    );
}

/** The row summary.md should hold for a file: its size and sha256 computed here. */
function fileRow(field: string, shown: string, file: string): string[] {
  const bytes = readFileSync(file);
  return [field, shown, String(bytes.length), createHash('sha256').update(bytes).digest('hex')];
}

function within(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * expected,
    `${what}: ${actual}, expected ${expected} within ${100 * rel}%`,
  );
}

test('replay of an OpenMetrics recording recovers the per-replica FPS and start delays, and the simulation matches it', () => {
  const out = join(dir, 'om');
  const r = cli(['replay', RECORDED, '--metrics', om, '--mapping', mapping, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'a clean recording (pods going at scale-downs included) gives no warning');
  const cal = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
  const byName = Object.fromEntries(cal.services.map((s: { service: string }) => [s.service, s]));
  within(byName.car.replicaFps.value, 10, 0.05, 'car replica FPS');
  within(byName.face.replicaFps.value, 6, 0.05, 'face replica FPS');
  within(byName.car.startDelaySeconds.value, 20, 0.05, 'car start delay');
  within(byName.face.startDelaySeconds.value, 30, 0.05, 'face start delay');
  assert.deepEqual(
    byName.car.scaleEvents.map((e: { atSeconds: number; replicas: number }) => [e.atSeconds, e.replicas]),
    [
      [120, 4],
      [300, 6],
      [480, 3],
    ],
  );
  // The recorded load as streams: 1 car stream, 2 from about 4 min, 1 again from about 7 min.
  const rows = readFileSync(join(out, 'offered-car.csv'), 'utf8').trim().split('\n').slice(1);
  const changes = rows.map((l) => l.split(',').map(Number));
  assert.equal(changes.length, 3, rows.join(' '));
  assert.equal(changes[0][1], 1);
  assert.equal(changes[1][1], 2);
  assert.ok(Math.abs(changes[1][0] - 240) <= 5, `the step up at ${changes[1][0]} s, not near 240`);
  assert.ok(Math.abs(changes[2][0] - 420) <= 5, `the step down at ${changes[2][0]} s, not near 420`);
  const fid = JSON.parse(readFileSync(join(out, 'fidelity.json'), 'utf8'));
  for (const s of fid.services) {
    assert.equal(s.measures.replicas.equalShare, 1, `${s.service} replica timelines differ`);
    assert.ok(
      s.measures.infer_fps.mapePercent < 5,
      `${s.service} infer FPS MAPE ${s.measures.infer_fps.mapePercent}%`,
    );
    assert.ok(
      s.measures.drop_fps.mapePercent < 5,
      `${s.service} drop FPS MAPE ${s.measures.drop_fps.mapePercent}%`,
    );
  }
  for (const f of [
    'calibrated.yaml',
    'fidelity.csv',
    'summary.md',
    'charts/replicas.svg',
    'charts/infer-fps.svg',
  ])
    assert.ok(existsSync(join(out, f)), f);
  assert.match(r.stdout, /car: replica FPS 10/);
  // summary.md lists each file read, with the size and sha256 of the bytes on disk.
  assert.deepEqual(filesRead(out), [
    fileRow('(scenario)', 'recorded.yaml', RECORDED),
    fileRow('--mapping', mapping, mapping),
    fileRow('--metrics', om, om),
  ]);
  // The calibrated scenario is a scenario: it validates and runs.
  assert.equal(cli(['validate', join(out, 'calibrated.yaml')]).status, 0);
});

test('the same samples as query_range JSON and as CSV give the same calibrated scenario', () => {
  const samples = samplesOf(om);
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const id = JSON.stringify([s.name, s.labels]);
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(s);
  }
  const json = join(dir, 'recorded.json');
  writeFileSync(
    json,
    JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [...groups.values()].map((g) => ({
          metric: { __name__: g[0].name, ...g[0].labels },
          values: g.map((s) => [s.t, s.v]),
        })),
      },
    }),
  );
  const csv = join(dir, 'recorded.csv');
  writeFileSync(
    csv,
    [
      'timestamp,metric,namespace,deployment,pod,container,value',
      ...samples.map((s) =>
        [
          s.t,
          s.name,
          s.labels.namespace,
          s.labels.deployment ?? '',
          s.labels.pod ?? '',
          s.labels.container ?? '',
          s.v,
        ].join(','),
      ),
    ].join('\n'),
  );
  const ref = join(dir, 'ref');
  assert.equal(
    cli(['replay', RECORDED, '--metrics', om, '--mapping', mapping, '--out', ref, '--quiet']).status,
    0,
  );
  for (const [what, file] of [
    ['json', json],
    ['csv', csv],
  ]) {
    const out = join(dir, what);
    const r = cli(['replay', RECORDED, '--metrics', file, '--mapping', mapping, '--out', out, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readFileSync(join(out, 'calibrated.yaml'), 'utf8'),
      readFileSync(join(ref, 'calibrated.yaml'), 'utf8'),
      what,
    );
    assert.equal(
      readFileSync(join(out, 'fidelity.csv'), 'utf8'),
      readFileSync(join(ref, 'fidelity.csv'), 'utf8'),
      what,
    );
  }
});

test('a replay driven by a recorded arrival trace offers exactly the trace per second', () => {
  // Frames at recorded times: a count per second that changes every second, inside each second.
  const counts = Array.from({ length: 600 }, (_, s) => (s * 7 + 3) % 23);
  const lines = ['timestamp'];
  counts.forEach((n, s) => {
    for (let i = 0; i < n; i++) lines.push(String(T0 + s + (i + 0.5) / (n + 1)));
  });
  const trace = join(dir, 'arrivals.csv');
  writeFileSync(trace, `${lines.join('\n')}\n`);
  const m = join(dir, 'arrivals-mapping.yaml');
  writeFileSync(
    m,
    `staleAfter: 2s\noffered:\n  from: arrivals\n  arrivals: { car: ${trace}, face: ${trace} }\n`,
  );
  const out = join(dir, 'arrivals');
  const r = cli([
    'replay',
    RECORDED,
    '--metrics',
    om,
    '--mapping',
    m,
    '--from',
    String(T0),
    '--out',
    out,
    '--quiet',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const scenario = loadScenario(join(out, 'calibrated.yaml'));
  const offered = new Map<number, number>();
  simulate(scenario, {
    sink: { row: (row) => row.service === 'car' && offered.set(Math.round(row.timeS), row.offeredFps) },
  });
  assert.equal(offered.size, 600);
  for (let s = 0; s < 600; s++) assert.equal(offered.get(s + 1), counts[s], `second ${s}`);
  // The arrival traces the mapping names are files read too (by their path as the mapping gives it).
  assert.deepEqual(filesRead(out), [
    fileRow('(scenario)', 'recorded.yaml', RECORDED),
    fileRow('--mapping', m, m),
    fileRow('offered.arrivals.car (mapping)', trace, trace),
    fileRow('offered.arrivals.face (mapping)', trace, trace),
    fileRow('--metrics', om, om),
  ]);
});

test('NaN, +Inf, out-of-order and duplicate samples are warnings with their ranges, and the rest replays', () => {
  const text = readFileSync(om, 'utf8').split('\n');
  const body = text.filter((l) => l !== '# EOF' && l !== '');
  const pick = (re: RegExp, t: number) => body.findIndex((l) => re.test(l) && l.endsWith(` ${T0 + t}`));
  const face = /^ei_infer_fps\{.*face-app-0/;
  const nanAt = pick(face, 100);
  body[nanAt] = body[nanAt].replace(/ \S+ (\d+)$/, ' NaN $1');
  const infAt = pick(face, 101);
  body[infAt] = body[infAt].replace(/ \S+ (\d+)$/, ' +Inf $1');
  // face-app-1's series stops at 500 s while face keeps 3 replicas: stale.
  const stale = /^ei_(infer|drop)_fps\{.*face-app-1/;
  for (let i = body.length - 1; i >= 0; i--) {
    const t = Number(body[i].split(' ').pop());
    if (stale.test(body[i]) && t > T0 + 500) body.splice(i, 1);
  }
  // A sample moved later in the file (out of order) and one duplicated.
  const late = pick(face, 200);
  const moved = body.splice(late, 1)[0];
  body.push(moved, moved);
  const file = join(dir, 'faulty.txt');
  // Without # EOF the text is Prometheus' format: timestamps in milliseconds.
  writeFileSync(
    file,
    `${body.map((l) => (l.startsWith('#') ? l : l.replace(/ (\d+)$/, (_, t) => ` ${Number(t) * 1000}`))).join('\n')}\n`,
  );
  const out = join(dir, 'faulty');
  const r = cli(['replay', RECORDED, '--metrics', file, '--mapping', mapping, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: ei_infer_fps\{.*face-app-0.*1 NaN sample\(s\) dropped.* at 2026-01-01T00:01:40Z/,
  );
  assert.match(r.stderr, /1 infinite sample\(s\).* at 2026-01-01T00:01:41Z/);
  assert.match(r.stderr, /out of time order, sorted into place at 2026-01-01T00:03:20Z/);
  assert.match(r.stderr, /duplicate timestamp\(s\).* at 2026-01-01T00:03:20Z/);
  const cal = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
  assert.deepEqual(cal.warnings.map((w: { kind: string }) => w.kind).sort(), [
    'duplicate',
    'gap',
    'inf',
    'nan',
    'out-of-order',
    'stale',
  ]);
  assert.match(
    r.stderr,
    /warning: ei_infer_fps\{pod="ei-infer-face-app-1"\}: the pod's series ends while ei-infer-face-app kept its replicas .* at 2026-01-01T00:08:20Z\.\.2026-01-01T00:10:00Z/,
  );
  // The dropped samples leave a gap longer than staleAfter (2 s), said with its range.
  assert.match(
    r.stderr,
    /face-app-0.*1 gap\(s\) longer than staleAfter \(2 s\).* at 2026-01-01T00:01:39Z\.\.2026-01-01T00:01:42Z/,
  );
  const face6 = cal.services.find((s: { service: string }) => s.service === 'face').replicaFps.value;
  within(face6, 6, 0.05, 'face replica FPS despite the bad samples');
});

test('bad input: exit 2 naming the file, line and column, nothing written', () => {
  const badMapping = join(dir, 'bad-mapping.yaml');
  writeFileSync(
    badMapping,
    'metrics:\n  inferFps: ei_infer_fps\n  replica: kube_deployment_status_replicas\n',
  );
  const out = join(dir, 'bad');
  let r = cli(['replay', RECORDED, '--metrics', om, '--mapping', badMapping, '--out', out]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /bad-mapping\.yaml:3:3 metrics\.replica: /);
  // An arrival trace that is not there is the mapping's error, where the mapping names it.
  const noTrace = join(dir, 'no-trace-mapping.yaml');
  writeFileSync(noTrace, 'offered:\n  from: arrivals\n  arrivals: { car: nowhere.csv, face: nowhere.csv }\n');
  r = cli(['replay', RECORDED, '--metrics', om, '--mapping', noTrace, '--out', out]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /no-trace-mapping\.yaml:3:15 offered\.arrivals\.car: cannot read nowhere\.csv \(no such file\)/,
  );
  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, '{"status":"success",\n "data": {"resultType":"matrix","result":[}\n');
  r = cli(['replay', RECORDED, '--metrics', badJson, '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.json:2:\d+: not valid JSON/);
  const badText = join(dir, 'bad.om');
  writeFileSync(badText, 'ei_infer_fps{pod="a"} 1 1767225601\nei_infer_fps{pod="a} 2 1767225602\n# EOF\n');
  r = cli(['replay', RECORDED, '--metrics', badText, '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.om:2:\d+: the value of label pod is not closed/);
  const badCsv = join(dir, 'bad.csv');
  writeFileSync(
    badCsv,
    'timestamp,metric,pod,value\n1767225601,ei_infer_fps,a,1\nyesterday,ei_infer_fps,a,2\n',
  );
  r = cli(['replay', RECORDED, '--metrics', badCsv, '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.csv:3:1: timestamp "yesterday"/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.ok(!existsSync(out), 'nothing written');
});

test('the dry run tunes candidate HPAs over the recorded load and writes the best as an HPA manifest', () => {
  const hpaScenario = join(dir, 'hpa.yaml');
  writeFileSync(
    hpaScenario,
    readFileSync(RECORDED, 'utf8')
      .replace('duration: 10m', 'duration: 6m')
      .replace(
        /  face:\n    model: classifier\n    replicas: 1\n    startupDelay: 30s\n    scaleEvents:\n      - \{ at: 3m, replicas: 3 \}\n/,
        '  face:\n    model: classifier\n    replicas: 1\n    startupDelay: 30s\n    autoscale: { cpuPercent: 60, min: 1, max: 6 }\n    resources: { requests: { cpu: 1 } }\n',
      ),
  );
  const rec = join(dir, 'hpa.om');
  assert.equal(
    cli([
      'simulate',
      hpaScenario,
      '--no-report',
      '--quiet',
      '--out',
      join(dir, 'hpa-run'),
      '--openmetrics',
      rec,
    ]).status,
    0,
  );
  const space = join(dir, 'space.yaml');
  writeFileSync(
    space,
    'service: face\nseedsPerCandidate: 1\nparameters:\n  metrics[0].target.averageUtilization: [50, 90]\nobjective: replicaSeconds\n',
  );
  const out = join(dir, 'dry');
  const r = cli([
    'replay',
    hpaScenario,
    '--metrics',
    rec,
    '--mapping',
    mapping,
    '--policy',
    space,
    '--out',
    out,
    '--workers',
    '1',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /dry run: tune over the recorded load/);
  const best = readFileSync(join(out, 'dry-run', 'best-hpa.yaml'), 'utf8');
  assert.match(best, /kind: HorizontalPodAutoscaler/);
  // The recorded policy (the HPA) was replayed: the calibrated scenario keeps it and no scale events.
  const calibrated = readFileSync(join(out, 'calibrated.yaml'), 'utf8');
  assert.match(calibrated, /autoscale:/);
  const fid = JSON.parse(readFileSync(join(out, 'fidelity.json'), 'utf8'));
  const face = fid.services.find((s: { service: string }) => s.service === 'face');
  assert.ok(
    face.measures.replicas.equalShare > 0.9,
    `face replicas equal in ${face.measures.replicas.equalShare}`,
  );
});
