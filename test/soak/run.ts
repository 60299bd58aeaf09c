/**
 * `npm run soak`: the long reliability runs that do not belong in `npm test`.
 *
 *   1. parser fuzzing: mutated and random scenario and tune-space files (test/fuzz/fuzz.ts),
 *      100,000 cases by default (--cases N), split 3:1 between scenarios and spaces
 *   2. the property tests (test/property/) with --property-runs cases each (default 2,000)
 *
 * Prints cases tried, accepted, refused, findings, the slowest case and the process's peak RSS;
 * exits 1 when anything was found, printing the first findings' inputs (turn each into a fixture).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzzScenarios, fuzzSpaces } from '../fuzz/parsers.test.js';
import type { FuzzStats } from '../fuzz/fuzz.js';

const DIST_TEST = fileURLToPath(new URL('../', import.meta.url));

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    'property-runs': { type: 'string', default: '2000' },
    seed: { type: 'string', default: 'soak' },
  },
});
const cases = Number(values.cases);
const propertyRuns = Number(values['property-runs']);

function line(name: string, s: FuzzStats, seconds: number): string {
  return `| ${name} | ${s.cases} | ${s.accepted} | ${s.refused} | ${s.findings.length} | ${s.slowestMs.toFixed(0)} ms | ${seconds.toFixed(1)} s |`;
}

let failed = false;
const rows: string[] = [];
for (const [name, run, n] of [
  ['scenario files', fuzzScenarios, Math.round((cases * 3) / 4)],
  ['tune space files', fuzzSpaces, Math.round(cases / 4)],
] as const) {
  const started = performance.now();
  const stats = run(n, `${values.seed}-${name}`);
  rows.push(line(name, stats, (performance.now() - started) / 1000));
  for (const f of stats.findings.slice(0, 5)) {
    failed = true;
    console.error(
      `\n${name}, case ${f.case}: ${f.why}\n--- input (${f.input.length} bytes) ---\n${f.input.toString('utf8').slice(0, 3000)}\n---`,
    );
  }
}
console.log('| fuzzed | cases | accepted | refused | findings | slowest case | wall |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`peak RSS of the fuzzing process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

const started = performance.now();
const props = spawnSync(process.execPath, ['--test', join(DIST_TEST, 'property/scenarios.test.js')], {
  env: { ...process.env, INFERSCALE_PROPERTY_RUNS: String(propertyRuns) },
  encoding: 'utf8',
});
const summary = props.stdout.split('\n').filter((l) => /^# (tests|pass|fail)/.test(l));
console.log(
  `\nproperty tests, ${propertyRuns} cases each (${((performance.now() - started) / 1000).toFixed(0)} s): ${summary.join(', ')}`,
);
if (props.status !== 0) {
  failed = true;
  console.error(
    props.stdout
      .split('\n')
      .filter((l) => /not ok|Counterexample|error/.test(l))
      .slice(0, 20)
      .join('\n'),
  );
}
process.exitCode = failed ? 1 : 0;
