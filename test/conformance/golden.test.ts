/**
 * Golden outputs: the CSV and JSON files of a few short runs, by sha256, against
 * test/golden/runs.sha256. Any change of the simulation's output, however small, fails here; a change
 * that is meant (a model fix, a new column, an optimisation that must reorder random draws) updates
 * the hash file in a commit of its own that says why:
 *
 *   INFERSCALE_GOLDEN_UPDATE=1 node --test dist/test/conformance/golden.test.js
 *
 * The runs cover each arrival and drop path: Poisson frames into drop-newest with notify wake-up
 * (mmck), periodic frames into trim-on-pop with poll wake-up (seed-demo), the HPA on CPU and on scale
 * ratio, KEDA, manual scale events, a second seed, and periodic-mix: every drop policy with periodic
 * frames at whole and fractional periods, stream counts that fall to 0 and rise, each phase, jitter,
 * batches, and periodic and Poisson frames into one queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, writeRunReport } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HASHES = join(ROOT, 'test', 'golden', 'runs.sha256');

/** name, scenario file, options: each short enough for the whole test to take seconds. */
const RUNS: { name: string; file: string; seed?: number; durationUs?: number }[] = [
  { name: 'mmck-10m', file: 'scenarios/mmck.yaml', durationUs: 600e6 },
  { name: 'mmck-10m-seed7', file: 'scenarios/mmck.yaml', seed: 7, durationUs: 600e6 },
  { name: 'seed-demo', file: 'scenarios/seed-demo.yaml' },
  { name: 'seed-demo-hpa', file: 'scenarios/seed-demo-hpa.yaml' },
  { name: 'seed-hpa-cpu', file: 'scenarios/seed-hpa-cpu.yaml' },
  { name: 'seed-hpa-scale-ratio', file: 'scenarios/seed-hpa-scale-ratio.yaml' },
  { name: 'seed-keda', file: 'scenarios/seed-keda.yaml' },
  { name: 'seed-manual-scale', file: 'scenarios/seed-manual-scale.yaml' },
  { name: 'periodic-mix', file: 'test/fixtures/golden/periodic-mix.yaml' },
];

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** `sha256  run/file` lines, as sha256sum prints them. */
async function hashRuns(tmp: string): Promise<string[]> {
  const lines: string[] = [];
  for (const r of RUNS) {
    const out = join(tmp, r.name);
    await writeRunReport(loadScenario(join(ROOT, r.file)), out, {
      seed: r.seed,
      durationUs: r.durationUs,
      report: false,
    });
    for (const p of files(out)) {
      const digest = createHash('sha256').update(readFileSync(p)).digest('hex');
      lines.push(`${digest}  ${r.name}/${relative(out, p)}`);
    }
  }
  return lines;
}

test('the CSV and JSON outputs of short runs are byte-identical to the golden hashes', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'inferscale-golden-'));
  try {
    const got = await hashRuns(tmp);
    if (process.env.INFERSCALE_GOLDEN_UPDATE === '1') writeFileSync(HASHES, `${got.join('\n')}\n`);
    const want = readFileSync(HASHES, 'utf8').trimEnd().split('\n');
    // File by file, so a failure names what changed.
    const byFile = (lines: string[]) => new Map(lines.map((l) => [l.slice(66), l.slice(0, 64)]));
    const g = byFile(got);
    const w = byFile(want);
    assert.deepEqual([...g.keys()], [...w.keys()], 'the runs write other files than the golden ones');
    const changed = [...w].filter(([file, hash]) => g.get(file) !== hash).map(([file]) => file);
    assert.deepEqual(changed, [], `outputs differ from test/golden/runs.sha256: ${changed.join(', ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
