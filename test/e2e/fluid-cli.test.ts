/**
 * `simulate --engine`: the fluid engine from the command line, what its report says about itself,
 * and the options it refuses (exit 2, nothing written).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
}

test('simulate --engine fluid: summary.json, summary.md and index.html say the figures are the fluid engine’s', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-fluid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run');
  const r = cli(['simulate', 'scenarios/seed-demo.yaml', '--engine', 'fluid', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Fluid engine \(tick 0\.1 s\)/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.engine, { kind: 'fluid', tickSeconds: 0.1 });
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')).engine, {
    kind: 'fluid',
    tickUs: 100000,
  });
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /Fluid engine \(tick 0\.1 s\)/);
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /<p>Fluid engine \(tick 0\.1 s\)/);

  // --engine exact on a scenario that asks for the fluid engine runs it exactly.
  const spec = readFileSync(join(ROOT, 'scenarios/seed-demo.yaml'), 'utf8');
  const fluidFile = join(dir, 'fluid.yaml');
  writeFileSync(fluidFile, `${spec}\nengine: { kind: fluid, tick: 250ms }\n`);
  const exact = cli(['simulate', fluidFile, '--engine', 'exact', '--json', '--out', join(dir, 'exact')]);
  assert.equal(exact.status, 0, exact.stderr);
  assert.equal(JSON.parse(exact.stdout).engine, undefined);
  const asked = cli(['simulate', fluidFile, '--json', '--no-report', '--out', join(dir, 'asked')]);
  assert.equal(asked.status, 0, asked.stderr);
  assert.deepEqual(JSON.parse(asked.stdout).engine, { kind: 'fluid', tickSeconds: 0.25 });
  // A --step shorter than the scenario's tick is refused.
  const short = cli(['simulate', fluidFile, '--step', '100ms', '--out', join(dir, 'short')]);
  assert.equal(short.status, 2);
  assert.match(short.stderr, /--step.*engine\.tick \(250 ms\)/);
  assert.doesNotMatch(short.stderr, /\n\s+at /);
  assert.equal(existsSync(join(dir, 'short')), false);
  // A scenario that asks for the fluid engine without a tick: the default tick follows --step.
  const defaultTick = join(dir, 'default-tick.yaml');
  writeFileSync(defaultTick, `${spec}\nengine: { kind: fluid }\n`);
  const stepped = cli([
    'simulate',
    defaultTick,
    '--step',
    '50ms',
    '--duration',
    '30s',
    '--json',
    '--no-report',
  ]);
  assert.equal(stepped.status, 0, stepped.stderr);
  assert.deepEqual(JSON.parse(stepped.stdout).engine, { kind: 'fluid', tickSeconds: 0.05 });
});

test('simulate --engine with an unknown engine is refused (exit 2)', () => {
  const r = cli([
    'simulate',
    'scenarios/seed-demo.yaml',
    '--engine',
    'warp',
    '--no-report',
    '--out',
    '/nonexistent/x',
  ]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /engine/);
  assert.match(r.stderr, /exact|fluid/);
});

test('tune on a scenario that asks for the fluid engine: every candidate runs on it, and summary.md says so', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-fluid-tune-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = join(dir, 'fluid.yaml');
  writeFileSync(
    scenario,
    `${readFileSync(join(ROOT, 'scenarios/seed-demo-hpa.yaml'), 'utf8')}\nengine: { kind: fluid }\n`,
  );
  const space = join(dir, 'space.yaml');
  writeFileSync(
    space,
    [
      'service: people',
      'duration: 2m',
      'strategy: grid',
      'parameters:',
      '  maxReplicas: [2, 3]',
      'objective: [replicaSeconds]',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'tune');
  const r = cli(['tune', scenario, '--space', space, '--workers', '1', '--quiet', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    readFileSync(join(out, 'summary.md'), 'utf8'),
    /Every candidate ran on the fluid engine \(tick 0\.1 s\)/,
  );
  // Without `engine`, the same sweep's summary says nothing of it.
  const exactOut = join(dir, 'tune-exact');
  const e = cli([
    'tune',
    'scenarios/seed-demo-hpa.yaml',
    '--space',
    space,
    '--workers',
    '1',
    '--quiet',
    '--out',
    exactOut,
  ]);
  assert.equal(e.status, 0, e.stderr);
  assert.doesNotMatch(readFileSync(join(exactOut, 'summary.md'), 'utf8'), /fluid/);
});
