/**
 * `npm run soak`: the long reliability runs that do not belong in `npm test`.
 *
 *   1. parser fuzzing, 100,000 cases by default (--cases N), split 45% scenario files, 15% tune space
 *      files (test/fuzz/parsers.ts), 40% the recorded-data importers, evenly over OpenMetrics text,
 *      Prometheus text, query_range JSON, metrics CSV, arrival trace CSV and count trace CSV
 *      (test/fuzz/importers.ts)
 *   2. the city (test/bench/city.yaml: 2,000 cameras, 50,000 frames/s) as a child `simulate
 *      --no-report`, its RSS sampled from /proc; memory must stay flat: the RSS at 90% of the run at
 *      most --rss-factor (default 1.5) times the RSS at 10%. Twice: on the exact engine for
 *      --city-duration (default 4h, about 20 minutes of wall here; a week would take about 13 h) and
 *      on the fluid engine for --city-fluid-duration (default 7d, about 15 minutes). The projected
 *      wall time is printed first.
 *   3. a tune of --tune-candidates (default 2,000) candidates of test/soak/tune-space.yaml, once
 *      uninterrupted and once SIGKILLed at --kills (default 5) random moments and resumed from its
 *      checkpoint each time: the two result folders must be equal byte for byte, no killed run may
 *      leave a folder, and the uninterrupted run's RSS at 90% at most --rss-factor times its RSS at
 *      50% (its first seconds are worker threads starting)
 *   4. the property tests (test/property/) with --property-runs cases each (default 2,000; 60,
 *      npm test's count, takes about 11 s; one try at 100 ran for over 15 minutes before it was stopped)
 *
 * Prints a table of every leg (cases or candidates, findings, peak RSS, wall) and exits 1 when
 * anything was found, printing the first findings' inputs (turn each into a regression test).
 * Each leg's row is printed on stderr as it finishes. `--legs fuzz,city,tune,property` runs some of them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { fuzzScenarios, fuzzSpaces } from '../fuzz/parsers.js';
import { fuzzImporter, IMPORT_TARGETS } from '../fuzz/importers.js';
import type { FuzzStats } from '../fuzz/fuzz.js';
import { parseDurationUs } from '../../src/scenario/duration.js';
import { folderDigest } from '../helpers/digest.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST_TEST = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const CITY = join(ROOT, 'test/bench/city.yaml');
const CITY_FPS = 50_000;
const TUNE_SCENARIO = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');
const TUNE_SPACE = join(ROOT, 'test/soak/tune-space.yaml');

const LEGS = ['fuzz', 'city', 'city-fluid', 'tune', 'property'] as const;

const USAGE = `usage: npm run soak -- [options]
  --legs L[,L...]            legs to run, of ${LEGS.join(', ')} (default: all)
  --cases N                  parser fuzzing cases in all (default 100000)
  --seed S                   seed of the fuzzing and of the kill moments (default soak)
  --city-duration D          simulated length of the city on the exact engine (default 4h)
  --city-fluid-duration D    simulated length of the city on the fluid engine (default 7d)
  --tune-candidates N        candidates of the tune leg (default 2000)
  --kills N                  SIGKILLs of the tune leg's interrupted run (default 5)
  --rss-factor X             most RSS growth allowed between the sampled points (default 1.5)
  --property-runs N          cases of each property test (default 2000)
`;

class UsageError extends Error {}

/** The options, checked: a bad one is a usage error (exit 2), never a stack trace or a silent default. */
function parseSettings(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      cases: { type: 'string', default: '100000' },
      'property-runs': { type: 'string', default: '2000' },
      seed: { type: 'string', default: 'soak' },
      'city-duration': { type: 'string', default: '4h' },
      'city-fluid-duration': { type: 'string', default: '7d' },
      'tune-candidates': { type: 'string', default: '2000' },
      kills: { type: 'string', default: '5' },
      'rss-factor': { type: 'string', default: '1.5' },
      legs: { type: 'string', default: LEGS.join(',') },
    },
  });
  const whole = (name: keyof typeof values, min: number): number => {
    const x = Number(values[name]);
    if (!Number.isInteger(x) || x < min)
      throw new UsageError(`--${name} must be a whole number >= ${min}, not ${String(values[name])}`);
    return x;
  };
  const duration = (name: 'city-duration' | 'city-fluid-duration'): number => {
    try {
      return parseDurationUs(values[name]) / 1e6;
    } catch (e) {
      throw new UsageError(`--${name}: ${(e as Error).message}`);
    }
  };
  const legs = values.legs.split(',');
  const unknown = legs.filter((l) => !(LEGS as readonly string[]).includes(l));
  if (unknown.length > 0)
    throw new UsageError(`--legs: unknown leg ${unknown.join(', ')} (legs: ${LEGS.join(', ')})`);
  const rssFactor = Number(values['rss-factor']);
  if (!(rssFactor >= 1))
    throw new UsageError(`--rss-factor must be a number >= 1, not ${values['rss-factor']}`);
  return {
    help: values.help,
    seed: values.seed,
    cases: whole('cases', 0),
    // A whole number: the property tests hand it (and a third of it) to fast-check as numRuns.
    propertyRuns: whole('property-runs', 1),
    cityDurationText: values['city-duration'],
    cityDurationS: duration('city-duration'),
    cityFluidDurationText: values['city-fluid-duration'],
    cityFluidDurationS: duration('city-fluid-duration'),
    tuneCandidates: whole('tune-candidates', 1),
    kills: whole('kills', 0),
    rssFactor,
    legs: new Set(legs),
  };
}

let settings: ReturnType<typeof parseSettings>;
try {
  settings = parseSettings(process.argv.slice(2));
} catch (e) {
  const known = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (!known) throw e;
  process.stderr.write(`soak: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (settings.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const { cases, propertyRuns, cityDurationS, cityFluidDurationS, tuneCandidates, kills, rssFactor, legs } =
  settings;
const rng = seedrandom(`${settings.seed}-kills`);

interface Row {
  leg: string;
  cases: string;
  accepted: string;
  refused: string;
  findings: number;
  slowest: string;
  peakRss: string;
  wallS: number;
}
const rows: Row[] = [];
const rowText = (r: Row) =>
  `| ${r.leg} | ${r.cases} | ${r.accepted} | ${r.refused} | ${r.findings} | ${r.slowest} | ${r.peakRss} | ${seconds(r.wallS)} |`;
/** A leg's row, kept for the table and printed as it finishes (a long soak shows its progress). */
function addRow(r: Row): void {
  rows.push(r);
  console.error(`done: ${rowText(r)}`);
}
let failed = false;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const seconds = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

function finding(leg: string, why: string): void {
  failed = true;
  console.error(`\n${leg}: ${why}`);
}

// --- 1. fuzzing --------------------------------------------------------------------------------

function fuzzRow(name: string, s: FuzzStats, wallS: number): void {
  addRow({
    leg: `fuzz: ${name}`,
    cases: String(s.cases),
    accepted: String(s.accepted),
    refused: String(s.refused),
    findings: s.findings.length,
    slowest: `${s.slowestMs.toFixed(0)} ms`,
    peakRss: `${mib(process.resourceUsage().maxRSS)} (soak)`,
    wallS,
  });
  for (const f of s.findings.slice(0, 5))
    finding(
      name,
      `case ${f.case}: ${f.why}\n--- input (${f.input.length} bytes) ---\n${f.input.toString('utf8').slice(0, 3000)}\n---`,
    );
}

if (legs.has('fuzz')) {
  const share = Math.round((cases * 0.4) / IMPORT_TARGETS.length);
  const plan: [string, (n: number, seed: string) => FuzzStats, number][] = [
    ['scenario files', fuzzScenarios, Math.round(cases * 0.45)],
    ['tune space files', fuzzSpaces, Math.round(cases * 0.15)],
    ...IMPORT_TARGETS.map((t): [string, (n: number, seed: string) => FuzzStats, number] => [
      t.name,
      (n, seed) => fuzzImporter(t, n, seed, 5000),
      share,
    ]),
  ];
  for (const [name, run, n] of plan) {
    const started = performance.now();
    const stats = run(n, `${settings.seed}-${name}`);
    fuzzRow(name, stats, (performance.now() - started) / 1000);
  }
}

// --- RSS of a child, from /proc ----------------------------------------------------------------

interface RssTrace {
  /** [seconds since start, VmRSS KiB] */
  samples: [number, number][];
  /** The highest VmHWM (peak RSS) read. */
  peakKiB: number;
}

function procKiB(pid: number, key: string): number | null {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // gone
  }
}

/** Samples `child`'s RSS every `everyMs` into `trace` until it exits; resolves with its exit code. */
function watch(
  child: ChildProcess,
  trace: RssTrace,
  everyMs: number,
  startedMs: number,
  onTick?: () => void,
): Promise<number | null> {
  return new Promise((resolve) => {
    const sample = () => {
      const rss = procKiB(child.pid!, 'VmRSS');
      const hwm = procKiB(child.pid!, 'VmHWM');
      if (rss !== null) trace.samples.push([(performance.now() - startedMs) / 1000, rss]);
      if (hwm !== null) trace.peakKiB = Math.max(trace.peakKiB, hwm);
    };
    const timer = setInterval(sample, everyMs);
    const tick = onTick ? setInterval(onTick, 10) : undefined;
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (tick) clearInterval(tick);
      resolve(signal ? null : code);
    });
  });
}

/** The sampled RSS nearest to `fraction` of the trace's span. */
function rssAt(trace: RssTrace, fraction: number): number {
  const s = trace.samples;
  if (s.length === 0) return NaN;
  const at = s[0][0] + fraction * (s[s.length - 1][0] - s[0][0]);
  let best = s[0];
  for (const p of s) if (Math.abs(p[0] - at) < Math.abs(best[0] - at)) best = p;
  return best[1];
}

/**
 * The flatness check: the RSS at 90% of the run within rssFactor × the RSS at `base` of it (10% for
 * the city; 50% for the tune, whose first seconds are its worker threads starting: RSS climbs to its
 * plateau in about 5 s whatever the budget, a third of a 2,000-candidate run on an idle machine).
 * Returns a line for the notes.
 */
function flatness(leg: string, trace: RssTrace, base: number): { line: string; flat: boolean } {
  const [early, mid, late] = [0.1, 0.5, 0.9].map((f) => rssAt(trace, f));
  const baseRss = rssAt(trace, base);
  const flat = trace.samples.length >= 10 && late <= rssFactor * baseRss;
  const line = `${leg}: RSS ${mib(early)} at 10%, ${mib(mid)} at 50%, ${mib(late)} at 90% of the run (${trace.samples.length} samples; 90%/${100 * base}% ${(late / baseRss).toFixed(2)}, limit ${rssFactor}); peak ${mib(trace.peakKiB)}`;
  if (!flat)
    finding(
      leg,
      trace.samples.length < 10
        ? `only ${trace.samples.length} RSS samples: the run is too short to judge`
        : `memory grows: ${line}`,
    );
  return { line, flat };
}

const notes: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'inferscale-soak-'));

// --- 3. the city for a long time ----------------------------------------------------------------

function citySimulate(durationS: number, out: string, engine: 'exact' | 'fluid'): ChildProcess {
  // --no-report: the memory under test is the simulation's over a long run; the charts are drawn
  // once at the end from the CSV and their size is bounded by the step count, not the duration.
  return spawn(
    process.execPath,
    [
      CLI,
      'simulate',
      CITY,
      '--engine',
      engine,
      '--duration',
      `${durationS}s`,
      '--no-report',
      '--quiet',
      '--max-events',
      '1e13',
      '--max-rows',
      '1e9',
      '--out',
      out,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** The city on one engine for `durationS`, with its RSS traced; a row and a note. */
async function cityLeg(
  leg: string,
  engine: 'exact' | 'fluid',
  durationS: number,
  label: string,
): Promise<void> {
  // The projection: a short run's pace now (start-up included), applied to the whole duration.
  const probeS = engine === 'exact' ? 60 : 3600;
  let started = performance.now();
  const probe = await watch(
    citySimulate(probeS, join(scratch, `${leg}-probe`), engine),
    { samples: [], peakKiB: 0 },
    1000,
    started,
  );
  const paceS = (performance.now() - started) / 1000 / probeS; // wall seconds per simulated second
  const projected = paceS * durationS;
  console.log(
    `${leg}: ${label} simulated on the ${engine} engine (${((CITY_FPS * durationS) / 1e9).toFixed(2)} billion frames); a ${probeS} s run took ${(paceS * probeS).toFixed(1)} s (exit ${probe}), so about ${seconds(projected)} of wall projected`,
  );
  const everyMs = Math.max(200, Math.min(5000, (projected * 1000) / 60));
  const trace: RssTrace = { samples: [], peakKiB: 0 };
  started = performance.now();
  const code = await watch(citySimulate(durationS, join(scratch, leg), engine), trace, everyMs, started);
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) finding(leg, `simulate exited with ${code}`);
  const { line, flat } = flatness(leg, trace, 0.1);
  notes.push(`${line}; ${((CITY_FPS * durationS) / wallS / 1e3).toFixed(0)}k frames/s of wall`);
  addRow({
    leg: `${leg}, ${label} simulated`,
    cases: '1 run',
    accepted: code === 0 ? '1' : '0',
    refused: '-',
    findings: (code === 0 ? 0 : 1) + (flat ? 0 : 1),
    slowest: '-',
    peakRss: mib(trace.peakKiB),
    wallS,
  });
}

if (legs.has('city')) await cityLeg('city', 'exact', cityDurationS, settings.cityDurationText);
if (legs.has('city-fluid'))
  await cityLeg('city-fluid', 'fluid', cityFluidDurationS, settings.cityFluidDurationText);

// --- 4. a long tune, killed and resumed ---------------------------------------------------------

if (legs.has('tune')) {
  const space = join(scratch, 'tune-space.yaml');
  writeFileSync(
    space,
    readFileSync(TUNE_SPACE, 'utf8').replace(/^budget: \d+$/m, `budget: ${tuneCandidates}`),
  );
  const tune = (out: string) =>
    spawn(
      process.execPath,
      [CLI, 'tune', TUNE_SCENARIO, '--space', space, '--out', out, '--workers', '2', '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  let problems = 0;
  const problem = (why: string) => (problems++, finding('tune', why));

  // Uninterrupted.
  const whole = join(scratch, 'tune-whole');
  const wholeTrace: RssTrace = { samples: [], peakKiB: 0 };
  let started = performance.now();
  // Every 100 ms: on a quick machine 2,000 candidates take under 3 s, too few samples at 500 ms.
  const wholeCode = await watch(tune(whole), wholeTrace, 100, started);
  const wholeWallS = (performance.now() - started) / 1000;
  if (wholeCode !== 0 && wholeCode !== 3) problem(`the uninterrupted tune exited with ${wholeCode}`);
  const { line, flat } = flatness('tune (uninterrupted)', wholeTrace, 0.5);
  if (!flat) problems++;
  notes.push(line);

  // Killed at random moments: when the checkpoint holds a random number of records, and a random
  // few milliseconds later (to land in the middle of a write now and then), then resumed.
  const out = join(scratch, 'tune-resumed');
  const checkpoint = `${out}.checkpoint.jsonl`;
  const records = () =>
    existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8').split('\n').length - 2 : 0;
  const targets = [
    ...new Set(Array.from({ length: kills }, () => 1 + Math.floor(rng() * (tuneCandidates - 1)))),
  ].sort((a, b) => a - b);
  const killedAt: number[] = [];
  const killedTrace: RssTrace = { samples: [], peakKiB: 0 };
  started = performance.now();
  let resumedCode: number | null = null;
  for (let k = 0; k <= targets.length; k++) {
    const child = tune(out);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const target = targets[k];
    let armed = false;
    const code = await watch(child, killedTrace, 500, started, () => {
      if (target === undefined || armed || records() < target) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.floor(rng() * 40));
    });
    if (target === undefined) {
      resumedCode = code;
      if (code !== wholeCode)
        problem(`the resumed tune exited with ${code}, the uninterrupted one ${wholeCode}: ${stderr}`);
      break;
    }
    if (code !== null) {
      // It finished before the kill landed: nothing left to resume.
      killedAt.push(tuneCandidates);
      resumedCode = code;
      break;
    }
    killedAt.push(records());
    if (existsSync(out)) problem(`a tune killed after ${records()} records left the folder ${out}`);
  }
  const wallS = (performance.now() - started) / 1000;
  if (existsSync(out) && existsSync(whole)) {
    const [a, b] = [folderDigest(whole), folderDigest(out)];
    const differ = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => a[f] !== b[f]);
    if (differ.length > 0) problem(`resumed and uninterrupted differ in ${differ.join(', ')}`);
  } else problem('no result folder after the resumed tune');
  if (existsSync(checkpoint)) problem('the live checkpoint is left after the resumed tune finished');
  notes.push(
    `tune: ${tuneCandidates} candidates; the uninterrupted run took ${seconds(wholeWallS)} (exit ${wholeCode}); the other was killed (SIGKILL) with ${killedAt.join(', ')} candidates in its checkpoint and resumed each time (exit ${resumedCode}), ${seconds(wallS)} in all; peak RSS ${mib(killedTrace.peakKiB)} over its ${targets.length + 1} processes; both folders ${problems === 0 ? 'equal byte for byte' : 'compared: see the findings'}`,
  );
  addRow({
    leg: `tune, killed ${killedAt.length}× and resumed`,
    cases: `${tuneCandidates} × 2 runs`,
    accepted: '-',
    refused: '-',
    findings: problems,
    slowest: '-',
    peakRss: mib(Math.max(wholeTrace.peakKiB, killedTrace.peakKiB)),
    wallS: wholeWallS + wallS,
  });
}

// --- 5. property tests -------------------------------------------------------------------------

if (legs.has('property')) {
  const started = performance.now();
  const props = spawnSync(process.execPath, ['--test', join(DIST_TEST, 'property/scenarios.test.js')], {
    env: { ...process.env, INFERSCALE_PROPERTY_RUNS: String(propertyRuns) },
    encoding: 'utf8',
  });
  const count = (k: string) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(props.stdout)?.[1] ?? 0);
  addRow({
    leg: 'property tests',
    cases: `${count('tests')} × ${propertyRuns}`,
    accepted: String(count('pass')),
    refused: '-',
    findings: count('fail') + (props.status === 0 ? 0 : count('fail') === 0 ? 1 : 0),
    slowest: '-',
    peakRss: '-',
    wallS: (performance.now() - started) / 1000,
  });
  if (props.status !== 0)
    finding(
      'property tests',
      props.stdout
        .split('\n')
        .filter((l) => /not ok|Counterexample|error/.test(l))
        .slice(0, 20)
        .join('\n'),
    );
}

rmSync(scratch, { recursive: true, force: true });

console.log(
  '\n| leg | cases / candidates | accepted | refused | findings | slowest case | peak RSS | wall |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(rowText(r));
for (const n of notes) console.log(`\n${n}`);
process.exitCode = failed ? 1 : 0;
