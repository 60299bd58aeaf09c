/**
 * `inferscale tune` as a user runs it: the files, the same bytes for 1 and 2 workers, a best-hpa.yaml
 * that loads back into the scenario and simulates to the KPIs its candidate had, a run killed
 * halfway that resumes to the same bytes, shards merged into the same bytes, the Kubernetes Job,
 * and bad input (exit 2, file:line:col, nothing written).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { simulate } from '../../src/model/simulate.js';
import { roundDeep } from '../../src/report/format.js';
import { loadScenario } from '../../src/scenario/load.js';
import { medianKpis, runKpis } from '../../src/tune/kpis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCENARIO = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');
const SMALL = join(ROOT, 'test/fixtures/tune/space-small.yaml');
const RESUME = join(ROOT, 'test/fixtures/tune/space-resume.yaml');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function assertSameTree(a: string, b: string, what: string) {
  const x = tree(a);
  const y = tree(b);
  assert.deepEqual([...x.keys()], [...y.keys()], what);
  for (const [path, bytes] of x) assert.ok(bytes.equals(y.get(path)!), `${path} differs: ${what}`);
}

function withTmp(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferscale-tune-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'tune: every file, the same bytes with 1 and 2 workers, a best-hpa.yaml that loads back and simulates to its KPIs, shards merged into the same bytes',
  withTmp((dir) => {
    const one = join(dir, 'w1');
    const two = join(dir, 'w2');
    const r1 = cli(['tune', SCENARIO, '--space', SMALL, '--workers', '1', '--out', one]);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(
      r1.stdout,
      /^8 candidates: \d valid, \d meet the constraints; Pareto front: \d+\.\nBest: candidate \d+ \(/,
    );
    // No pool has a price: cost, 0 for every candidate, is not shown (replica-seconds stands in).
    assert.match(r1.stdout, /\n  dropPercent [0-9.]+, .*replicaSeconds [0-9.]+/);
    assert.doesNotMatch(r1.stdout, /\bcost\b/);
    const r2 = cli(['tune', SCENARIO, '--space', SMALL, '--workers', '2', '--out', two, '--quiet']);
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal(r2.stdout, '');
    assertSameTree(one, two, '1 and 2 workers');
    assert.deepEqual(
      [...tree(one).keys()],
      [
        'best-hpa.yaml',
        'best.json',
        'candidates.csv',
        'charts/pareto.svg',
        'charts/pareto.vl.json',
        'checkpoint.jsonl',
        'pareto.csv',
        'summary.md',
      ],
    );
    assert.ok(!existsSync(`${one}.checkpoint.jsonl`), 'the live checkpoint goes once the folder is written');

    // candidates.csv: a row per candidate; minReplicas 2 cannot run from 1 replica: invalid, not simulated.
    const rows = readFileSync(join(one, 'candidates.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 9);
    const invalid = rows.filter((r) => /,hpa,false,false,false,false,/.test(r));
    assert.ok(invalid.length >= 1 && invalid.length < 8, rows.join('\n'));
    for (const r of invalid) assert.match(r, /outside the HPA's \[2, \d\]/);

    // best.json: the least replica-seconds among candidates with drop % <= 30.
    const best = JSON.parse(readFileSync(join(one, 'best.json'), 'utf8'));
    assert.equal(best.candidates, 8);
    assert.deepEqual(best.seeds, [1, 2]);
    const ranked = rows
      .slice(1)
      .map((r) => r.split(','))
      .filter((c) => c[7] === 'true')
      .map((c) => ({ id: Number(c[0]), replicaSeconds: Number(c[14]), drop: Number(c[11]) }));
    for (const c of ranked) {
      assert.ok(c.drop <= 30);
      assert.ok(best.best.kpis.replicaSeconds <= c.replicaSeconds);
    }
    assert.ok(readFileSync(join(one, 'charts/pareto.svg'), 'utf8').startsWith('<svg'));
    assert.match(
      readFileSync(join(one, 'summary.md'), 'utf8'),
      new RegExp(`## Best: candidate ${best.best.id}\\n`),
    );
    assert.doesNotMatch(readFileSync(join(one, 'summary.md'), 'utf8'), /\| cost \|/);

    // best-hpa.yaml loads back: the scenario reading it through `manifests:` simulates to the same KPIs.
    const docs = parseAllDocuments(readFileSync(join(one, 'best-hpa.yaml'), 'utf8')).map((d) => d.toJS());
    assert.equal(docs.length, 1);
    assert.equal(docs[0].apiVersion, 'autoscaling/v2');
    assert.equal(docs[0].metadata.annotations['inferscale.io/service'], 'people');
    const input = parse(readFileSync(SCENARIO, 'utf8'));
    delete input.services.people.hpa;
    input.services.people.manifests = join(one, 'best-hpa.yaml');
    writeFileSync(join(dir, 'loaded-back.yaml'), stringify(input));
    const v = cli(['validate', join(dir, 'loaded-back.yaml')]);
    assert.equal(v.status, 0, v.stderr);
    const loaded = loadScenario(join(dir, 'loaded-back.yaml'));
    const perSeed = best.seeds.map((seed: number) =>
      roundDeep(runKpis(loaded, simulate(loaded, { seed, durationUs: best.durationSeconds * 1e6 }))),
    );
    assert.deepEqual(medianKpis(perSeed), best.best.kpis);
    assert.deepEqual(perSeed, best.best.perSeed);

    // Two shards and a merge write what one run writes.
    const s0 = join(dir, 's0');
    const s1 = join(dir, 's1');
    for (const [i, out] of [s0, s1].entries()) {
      const r = cli([
        'tune',
        SCENARIO,
        '--space',
        SMALL,
        '--shard',
        `${i}/2`,
        '--out',
        out,
        '--workers',
        '1',
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readdirSync(out).sort(), ['candidates.csv', 'checkpoint.jsonl']);
      const ids = readFileSync(join(out, 'candidates.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[0]));
      assert.deepEqual(
        ids,
        [0, 1, 2, 3, 4, 5, 6, 7].filter((id) => id % 2 === i),
      );
    }
    const merged = join(dir, 'merged');
    const m = cli(['tune', 'merge', s1, s0, '--out', merged]);
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stdout.replaceAll(merged, 'OUT'), r1.stdout.replaceAll(one, 'OUT'));
    assertSameTree(one, merged, 'two shards merged and one run');
    // A merge with a shard missing says so and writes nothing.
    const half = cli(['tune', 'merge', s0, '--out', join(dir, 'half')]);
    assert.equal(half.status, 2);
    assert.match(half.stderr, /4 of 8 candidates are in none of the folders \(the first: 1, 3, 5, 7\)/);
    assert.ok(!existsSync(join(dir, 'half')));

    // A live checkpoint of another tune (here: a shard's) is not overwritten without --restart.
    const other = join(dir, 'other');
    copyFileSync(join(s0, 'checkpoint.jsonl'), `${other}.checkpoint.jsonl`);
    const refused = cli(['tune', SCENARIO, '--space', SMALL, '--out', other]);
    assert.equal(refused.status, 2);
    assert.match(
      refused.stderr,
      /holds an unfinished tune of another scenario, space or shard; .* --restart/,
    );
    assert.ok(!existsSync(other));
  }),
);

test(
  'tune killed halfway (SIGKILL) resumes from its checkpoint and writes the bytes of an uninterrupted run',
  withTmp(async (dir) => {
    const whole = join(dir, 'whole');
    const r = cli(['tune', SCENARIO, '--space', RESUME, '--out', whole, '--workers', '2', '--quiet']);
    assert.equal(r.status, 0, r.stderr);

    const out = join(dir, 'resumed');
    const checkpoint = `${out}.checkpoint.jsonl`;
    const lines = () =>
      existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8').split('\n').length - 1 : 0;
    const child = spawn(
      process.execPath,
      [CLI, 'tune', SCENARIO, '--space', RESUME, '--out', out, '--workers', '1'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let killedAt = -1;
    for (let i = 0; i < 3000 && child.exitCode === null; i++) {
      await new Promise((res) => setTimeout(res, 5));
      if (lines() >= 1 + 4) {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    killedAt = lines() - 1;
    assert.ok(killedAt >= 4 && killedAt < 24, `killed after ${killedAt} of 24 candidates`);
    assert.ok(!existsSync(out), 'no folder from a killed run');
    // A line cut short by a kill in the middle of a write is dropped on resume.
    appendFileSync(checkpoint, '{"id":23,"values":[');

    const again = cli(['tune', SCENARIO, '--space', RESUME, '--out', out, '--workers', '1']);
    assert.equal(again.status, 0, again.stderr);
    assertSameTree(whole, out, 'resumed and uninterrupted');
    assert.ok(!existsSync(checkpoint));
    // Run again over a finished folder: nothing to simulate, the same bytes.
    const done = cli(['tune', SCENARIO, '--space', RESUME, '--out', out, '--workers', '1', '--quiet']);
    assert.equal(done.status, 0, done.stderr);
    assertSameTree(whole, out, 'rerun over a finished folder');
  }),
);

test('tune k8s-job: an Indexed Job whose pod i runs shard i/N', () => {
  const r = cli([
    'tune',
    'k8s-job',
    SCENARIO,
    '--space',
    SMALL,
    '--shards',
    '3',
    '--image',
    'registry.example/inferscale:1',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const job = parse(r.stdout);
  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.kind, 'Job');
  assert.equal(job.metadata.name, 'inferscale-tune-seed-hpa-scale-ratio');
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 3);
  assert.equal(job.spec.parallelism, 3);
  const c = job.spec.template.spec.containers[0];
  assert.equal(c.image, 'registry.example/inferscale:1');
  assert.deepEqual(c.command.slice(0, 2), ['sh', '-c']);
  assert.match(
    c.command[2],
    /inferscale tune \/input\/seed-hpa-scale-ratio\.yaml --space \/input\/space-small\.yaml --shard "\$JOB_COMPLETION_INDEX\/3" --out "\/results\/shard-\$JOB_COMPLETION_INDEX"/,
  );
  assert.match(r.stdout, /inferscale tune merge \/results\/shard-\*/);
});

test(
  'tune with a bad space: exit 2, every problem at file:line:col, nothing written',
  withTmp((dir) => {
    const space = join(dir, 'space.yaml');
    writeFileSync(
      space,
      'parameters:\n  maxReplicas: [2, 3]\n  behavior.scaleDown.window: [0]\nobjective: drops\n',
    );
    const out = join(dir, 'out');
    const r = cli(['tune', SCENARIO, '--space', space, '--out', out]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /space\.yaml:3:3 parameters\.behavior\.scaleDown\.window: people's HPA has no such field/,
    );
    assert.match(r.stderr, /space\.yaml:4:12 objective: "drops" is not a KPI/);
    assert.match(r.stderr, /2 problems found; nothing was written\./);
    assert.deepEqual(readdirSync(dir), ['space.yaml']);
    const shard = cli(['tune', SCENARIO, '--space', SMALL, '--shard', '2/2', '--out', out]);
    assert.equal(shard.status, 2);
    assert.match(shard.stderr, /--shard: must be INDEX\/COUNT with 0 <= INDEX < COUNT/);
  }),
);
