/**
 * `npm run bench`: inferscale's speed and memory beside a peer (SimPy) and the machine's practical
 * limit (a bare C event loop), all measured in one run on one machine, because the machines are
 * shared and noisy and only ratios from the same run mean anything (../shared/bench/README.md).
 *
 *   flags -> closed form -> inferscale: cold run, warm-up, warm run (the real report path)
 *     -> SimPy -> C reference -> peak RSS of a 1 h and a 24 h run, each in its own process
 *     -> table on stdout (or --json); progress on stderr
 *
 * The bench reports whether the targets are met; it does not fail on them.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir } from 'node:os';
import { join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadScenario, writeRunReport, type Scenario } from '../../src/index.js';
import { prefetchesByDefault, scenarioAsRun } from '../../src/report/write.js';
import { textTable } from '../../src/report/format.js';
import {
  buildC,
  runAnalytic,
  runC,
  runJson,
  runSimpy,
  simpyVersion,
  type Analytic,
  type MmckParams,
  type Outcome,
  type PeerRun,
} from './external.js';
import type { RssChildResult } from './rss-child.js';
import { competed, cpuMark, cpuShare, type CpuShare } from './cpu-share.js';
import { measureStartup, startupNote, startupRows, type StartupResult } from './startup.js';

/** dist/test/bench/run.js -> the repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RSS_CHILD = fileURLToPath(new URL('./rss-child.js', import.meta.url));
const SPEED_CHILD = fileURLToPath(new URL('./speed-child.js', import.meta.url));
const PORT_MMCK = fileURLToPath(new URL('./port-mmck.js', import.meta.url));
const LEAN_MMCK = fileURLToPath(new URL('./lean-mmck.js', import.meta.url));

const MMCK: MmckParams = { lambda: 90, mu: 10, c: 10, k: 30, seed: 1 };
// Issue 8's targets.
const SIMPY_SPEEDUP_TARGET = 50;
const C_RATIO_TARGET = 0.5;
const RSS_GROWTH_TARGET = 1.2;
const CITY_WALL_TARGET_S = 600;
const TUNE_SPEEDUP_TARGET = 1.7;
const REPORT_OVERHEAD_TARGET = 0.2;
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Lengths {
  /** Simulated seconds of the timed inferscale runs: long enough for seconds of wall time. */
  simSeconds: number;
  warmupSeconds: number;
  /** SimPy is slow; frames/s is what is compared, so a shorter run suffices. */
  simpySeconds: number;
  cSeconds: number;
  rssShortSeconds: number;
  rssLongSeconds: number;
  /** Simulated seconds of the city-sized scenario (the issue's target is for 24 h). */
  citySeconds: number;
  /** Simulated seconds of the city on the fluid engine (the optional fast path). */
  cityFluidSeconds: number;
  /** Simulated length of each tune candidate's runs (null: the space files' own, 20 min and 24 h). */
  tuneDuration: string | null;
  /** Timed runs per speed row (all but the cold one), each row the median: one run varies by up to 7% here. */
  repeats: number;
}

const FULL: Lengths = {
  simSeconds: 60_000,
  warmupSeconds: 2_000,
  simpySeconds: 3_600,
  cSeconds: 360_000,
  rssShortSeconds: 3_600,
  rssLongSeconds: 86_400,
  citySeconds: 86_400,
  cityFluidSeconds: 86_400,
  tuneDuration: null,
  repeats: 3,
};

// Same 24:1 ratio for the RSS pair, so the quick run still exercises the comparison.
const QUICK: Lengths = {
  simSeconds: 600,
  warmupSeconds: 60,
  simpySeconds: 200,
  cSeconds: 36_000,
  rssShortSeconds: 60,
  rssLongSeconds: 1_440,
  citySeconds: 60,
  cityFluidSeconds: 3_600,
  tuneDuration: '2m',
  repeats: 1,
};

const USAGE = `usage: npm run bench -- [options]
  --quick                 short runs: a smoke test of the bench itself
  --json                  print one JSON object instead of tables
  --sim-seconds N         simulated seconds of each timed inferscale run (default ${FULL.simSeconds})
  --warmup-seconds N      simulated seconds of the warm-up run (default ${FULL.warmupSeconds})
  --simpy-seconds N       simulated seconds of the SimPy run (default ${FULL.simpySeconds})
  --c-seconds N           simulated seconds of the C reference run (default ${FULL.cSeconds})
  --city-seconds N        simulated seconds of the city-sized scenario (default ${FULL.citySeconds}: 24 h,
                          well over an hour of wall time on 2 cores; e.g. 3600 for an hour, scaled)
  --repeats N             timed runs of each M/M/c/K and seed-demo speed row, inferscale's and the
                          peers' alike; a row is their median (default ${FULL.repeats}, ${QUICK.repeats} with --quick)
  --rss-scenario FILE     scenario for the peak-RSS runs (default scenarios/seed-demo.yaml)
  --shared DIR            the shared folder holding bench/ (default $INFERSCALE_SHARED or ../shared)
  --python PATH           Python with SimPy (default /usr/bin/python3)
`;

interface Settings extends Lengths {
  quick: boolean;
  json: boolean;
  rssScenario: string | undefined;
  benchDir: string;
  python: string;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'sim-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      'simpy-seconds': { type: 'string' },
      'c-seconds': { type: 'string' },
      'city-seconds': { type: 'string' },
      repeats: { type: 'string' },
      'rss-scenario': { type: 'string' },
      shared: { type: 'string' },
      python: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const base = values.quick ? QUICK : FULL;
  const seconds = (flag: string, given: string | undefined, fallback: number): number => {
    if (given === undefined) return fallback;
    const n = Number(given);
    if (!(Number.isFinite(n) && n > 0))
      throw new UsageError(`--${flag} must be a positive number of seconds`);
    return n;
  };
  const count = (flag: string, given: string | undefined, fallback: number): number => {
    if (given === undefined) return fallback;
    const n = Number(given);
    if (!(Number.isInteger(n) && n >= 1 && n <= 99))
      throw new UsageError(`--${flag} must be a whole number from 1 to 99`);
    return n;
  };
  const shared = values.shared ?? process.env.INFERSCALE_SHARED ?? join(ROOT, '..', 'shared');
  return {
    quick: values.quick,
    json: values.json,
    simSeconds: seconds('sim-seconds', values['sim-seconds'], base.simSeconds),
    warmupSeconds: seconds('warmup-seconds', values['warmup-seconds'], base.warmupSeconds),
    simpySeconds: seconds('simpy-seconds', values['simpy-seconds'], base.simpySeconds),
    cSeconds: seconds('c-seconds', values['c-seconds'], base.cSeconds),
    rssShortSeconds: base.rssShortSeconds,
    rssLongSeconds: base.rssLongSeconds,
    citySeconds: seconds('city-seconds', values['city-seconds'], base.citySeconds),
    cityFluidSeconds: base.cityFluidSeconds,
    tuneDuration: base.tuneDuration,
    repeats: count('repeats', values.repeats, base.repeats),
    rssScenario: values['rss-scenario'],
    benchDir: join(resolve(shared), 'bench'),
    python: values.python ?? '/usr/bin/python3',
  };
}

class UsageError extends Error {}

interface SpeedRow {
  run: string;
  simSeconds: number;
  offeredFrames: number | null;
  wallSeconds: number | null;
  framesPerSecond: number | null;
  dropRatio: number | null;
  meanWaitSeconds: number | null;
  /** Timed runs the row is the median of, and their least and greatest wall seconds. */
  runs?: number;
  wallRange?: [number, number];
  skipped?: string;
}

interface TuneSweep {
  space: string;
  /** Simulated length of each candidate's runs, as the space file (or --quick's copy) sets it. */
  duration: string;
  runs: { workers: number; candidates: number; wallSeconds: number; perMinute: number }[];
  speedup: number;
}

interface RssRow {
  label: string;
  simSeconds: number;
  result: RssChildResult | null;
  failed?: string;
}

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

async function main(argv: string[]): Promise<number> {
  let s: Settings;
  try {
    s = parseSettings(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'inferscale-bench-'));
  try {
    return await runBench(s, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runBench(s: Settings, tmp: string): Promise<number> {
  const warnings: string[] = [];
  const loadAtStart = loadavg()[0];
  const cpuAtStart = cpuMark();

  // 1. The closed form the three simulations should all approach.
  progress('closed form (mmck_analytic.py)');
  const analytic = runAnalytic(s.python, s.benchDir, MMCK);
  if (!analytic.ok) warnings.push(`closed form skipped: ${analytic.reason}`);

  // 2. inferscale through the report path a user runs; first in the process, so "cold" is cold.
  const mmckFile = join(ROOT, 'scenarios', 'mmck.yaml');
  const scenario = loadScenario(mmckFile);
  const mismatch = mmckMismatch(scenario, MMCK);
  if (mismatch) {
    warnings.push(`scenarios/mmck.yaml is not the benchmark's M/M/c/K (${mismatch}): not like for like`);
  }
  progress(`inferscale cold run, ${s.simSeconds} s simulated`);
  const cold = await timeReport('inferscale (cold)', scenario, join(tmp, 'cold'), s.simSeconds);
  progress(`inferscale warm-up, ${s.warmupSeconds} s simulated`);
  await writeRunReport(scenario, join(tmp, 'warmup'), {
    seed: MMCK.seed,
    durationUs: toUs(s.warmupSeconds),
    report: false,
  });
  progress(`inferscale warm runs, ${s.repeats} x ${s.simSeconds} s simulated`);
  // What a user's run does: its hot draws made on the second core when the run is long enough
  // (parallel/draw-prefetch.ts); the one-thread row below says what that second core is worth.
  const prefetched = prefetchesByDefault(scenarioAsRun(scenario, { durationUs: toUs(s.simSeconds) }), 1);
  const warm = await medianRun(
    s.repeats,
    (i) =>
      timeReport(
        prefetched ? 'inferscale (warm; draws made on a 2nd thread)' : 'inferscale (warm)',
        scenario,
        join(tmp, `warm-${i}`),
        s.simSeconds,
      ),
    warnings,
  );
  progress(`inferscale warm runs on one thread, ${s.repeats} x ${s.simSeconds} s simulated`);
  const warmOneThread = await medianRun(
    s.repeats,
    (i) =>
      timeReport('inferscale (warm, one thread)', scenario, join(tmp, `warm1-${i}`), s.simSeconds, false),
    warnings,
  );
  if (cold.offeredFrames !== warm.offeredFrames || cold.dropRatio !== warm.dropRatio) {
    warnings.push(
      'the cold and warm runs used the same seed but differ: the simulation is not deterministic',
    );
  }
  // The seed demo: periodic frames, trim-on-pop, an HPA on two services; warm, in a process of its
  // own as a user's run is (test/bench/speed-child.ts says why).
  progress(
    `inferscale seed demo (seed-demo-hpa), ${s.repeats} x ${s.simSeconds} s simulated, warm, a child process each`,
  );
  const seedDemoSpeed = await medianRun(
    s.repeats,
    (i) =>
      speedChildRow(
        'inferscale seed-demo-hpa (warm, own process)',
        join(ROOT, 'scenarios', 'seed-demo-hpa.yaml'),
        s.simSeconds,
        s.warmupSeconds,
        join(tmp, `seed-demo-${i}`),
      ),
    warnings,
  );

  // 3. The peer.
  let simpy: SpeedRow;
  const version = simpyVersion(s.python);
  if (!version.ok) {
    simpy = skippedRow('SimPy', s.simpySeconds, version.reason);
  } else {
    progress(`SimPy ${version.value}, ${s.repeats} x ${s.simpySeconds} s simulated`);
    simpy = await medianRun(
      s.repeats,
      () =>
        peerRow(
          `SimPy ${version.value}`,
          s.simpySeconds,
          runSimpy(s.python, s.benchDir, MMCK, s.simpySeconds),
        ),
      warnings,
    );
  }

  // 4. The machine's practical limit.
  progress('compiling ref_mmck.c');
  const bin = buildC(s.benchDir, tmp);
  let cRef: SpeedRow;
  if (!bin.ok) {
    cRef = skippedRow('C reference', s.cSeconds, bin.reason);
  } else {
    progress(`C reference, ${s.repeats} x ${s.cSeconds} s simulated`);
    const exe = bin.value;
    cRef = await medianRun(
      s.repeats,
      () => peerRow('C reference (gcc -O2)', s.cSeconds, runC(exe, MMCK, s.cSeconds)),
      warnings,
    );
  }
  // A JavaScript M/M/c/K program in a process of its own, timed as the C loop is.
  const jsLoop = (label: string, script: string) =>
    medianRun(
      s.repeats,
      () =>
        peerRow(
          label,
          s.cSeconds,
          runJson<PeerRun>(process.execPath, [
            script,
            ...[MMCK.lambda, MMCK.mu, MMCK.c, MMCK.k, s.cSeconds, MMCK.seed].map(String),
          ]),
        ),
      warnings,
    );
  // The C loop ported line by line to JavaScript (test/bench/port-mmck.ts): what the C figure means
  // for a JavaScript simulator, beside inferscale's own.
  progress(`JavaScript port of ref_mmck.c, ${s.repeats} x ${s.cSeconds} s simulated`);
  const jsPort = await jsLoop('ref_mmck.c ported to JavaScript (not inferscale)', PORT_MMCK);
  // The same loop keeping the least an inferscale report needs (test/bench/lean-mmck.ts): how far
  // a JavaScript simulator can come towards the C loop once it does that much per frame.
  progress(`lean JavaScript M/M/c/K loop, ${s.repeats} x ${s.cSeconds} s simulated`);
  const lean = await jsLoop('lean M/M/c/K loop in JavaScript (not inferscale)', LEAN_MMCK);

  // 5. Memory: a 24 h run should need about what a 1 h run needs (streamed output, bounded state).
  const seedDemo = join(ROOT, 'scenarios', 'seed-demo.yaml');
  let rssFile = s.rssScenario ? resolve(s.rssScenario) : seedDemo;
  let rssNote: string | null = null;
  if (!s.rssScenario && !existsSync(seedDemo)) {
    rssFile = mmckFile;
    rssNote = 'scenarios/seed-demo.yaml does not exist yet: measured scenarios/mmck.yaml instead';
    warnings.push(rssNote);
  }
  const rss = [
    rssRun(hoursLabel(s.rssShortSeconds), rssFile, s.rssShortSeconds, join(tmp, 'rss-short')),
    rssRun(hoursLabel(s.rssLongSeconds), rssFile, s.rssLongSeconds, join(tmp, 'rss-long')),
  ];
  const failedRss = rss.filter((r) => r.failed);
  for (const r of failedRss) warnings.push(`RSS run ${r.label} failed: ${r.failed}`);

  // 6. The default scenario as a user runs it (`inferscale simulate`, a process each): without and with
  // the charts, page and summary.md; then --seeds on 1 and 2 workers.
  const reportRuns = s.quick ? 1 : 5;
  progress(`default scenario: ${reportRuns} runs with --no-report and ${reportRuns} with the report`);
  const plainWall: number[] = [];
  const reportWall: number[] = [];
  for (let i = 0; i < reportRuns; i++) {
    plainWall.push(cliWall(['simulate', '--quiet', '--no-report', '--out', join(tmp, 'plain')]));
    reportWall.push(cliWall(['simulate', '--quiet', '--out', join(tmp, 'report')]));
  }
  const plainMedian = median(plainWall);
  const reportMedian = median(reportWall);
  const overhead = (reportMedian - plainMedian) / plainMedian;
  const seedCount = s.quick ? 4 : 20;
  progress(`default scenario: --seeds ${seedCount} on 1 and 2 workers`);
  const seeds1 = cliWall([
    'simulate',
    '--quiet',
    '--no-report',
    '--seeds',
    String(seedCount),
    '--workers',
    '1',
    '--out',
    join(tmp, 's1'),
  ]);
  const seeds2 = cliWall([
    'simulate',
    '--quiet',
    '--no-report',
    '--seeds',
    String(seedCount),
    '--workers',
    '2',
    '--out',
    join(tmp, 's2'),
  ]);

  // The issue's case: the seed (one 25 FPS stream per type) at 10x its streams, i.e. plan-seed's
  // pools, models and SLO with 10 streams per type; then plan-seed itself (12-40 streams per type).
  const seed10x = join(tmp, 'plan-seed-10x.yaml');
  const planSeedText = readFileSync(join(ROOT, 'scenarios', 'plan-seed.yaml'), 'utf8');
  writeFileSync(
    seed10x,
    planSeedText
      .replace(/^name: plan-seed$/m, 'name: plan-seed-10x')
      .replace(/^    count: \d+\n    schedule: .*$/gm, '    count: 10'),
  );
  const quickPlan = s.quick ? ['--seeds', '1', '--confirm-duration', '20s'] : [];
  progress('plan: the seed at 10x its streams (5 seeds, 2 min checks)');
  const plan10xWall = cliWall(['plan', seed10x, '--quiet', '--out', join(tmp, 'plan10x'), ...quickPlan]);
  progress('plan scenarios/plan-seed.yaml (5 seeds, 2 min checks)');
  const planWall = cliWall([
    'plan',
    join(ROOT, 'scenarios', 'plan-seed.yaml'),
    '--quiet',
    '--out',
    join(tmp, 'plan'),
    ...quickPlan,
  ]);

  // 7. Scale: the city-sized scenario in its own process (wall time of the run, peak RSS).
  progress(`city-sized scenario (test/bench/city.yaml), ${s.citySeconds} s simulated, in a child process`);
  const city = rssRun(
    hoursLabel(s.citySeconds),
    join(ROOT, 'test', 'bench', 'city.yaml'),
    s.citySeconds,
    join(tmp, 'city'),
  );
  if (city.failed) warnings.push(`the city run failed: ${city.failed}`);
  // 7b. The same city on the fluid engine (frames counted per tick; model/fluid.ts).
  progress(`city on the fluid engine, ${s.cityFluidSeconds} s simulated, in a child process`);
  const cityFluid = rssRun(
    `${hoursLabel(s.cityFluidSeconds)}, fluid`,
    join(ROOT, 'test', 'bench', 'city.yaml'),
    s.cityFluidSeconds,
    join(tmp, 'city-fluid'),
    'fluid',
  );
  if (cityFluid.failed) warnings.push(`the fluid city run failed: ${cityFluid.failed}`);

  // 8. Sweeps: each tune on 1 and 2 workers (seed-demo-hpa's people HPA): the day-long one the issue
  // names (its verdict), and a short one whose few seconds the workers' start-up weighs on.
  const sweep = (name: 'tune-day' | 'tune-space'): TuneSweep => {
    let spaceFile = join(ROOT, 'test', 'bench', `${name}.yaml`);
    if (s.tuneDuration) {
      const copy = join(tmp, `${name}.yaml`);
      writeFileSync(
        copy,
        readFileSync(spaceFile, 'utf8').replace(/^duration: .*$/m, `duration: ${s.tuneDuration}`),
      );
      spaceFile = copy;
    }
    const runs = [1, 2].map((workers) => {
      progress(`tune test/bench/${name}.yaml on ${workers} worker(s)`);
      const out = join(tmp, `${name}-${workers}`);
      const wallSeconds = cliWall([
        'tune',
        join(ROOT, 'scenarios', 'seed-demo-hpa.yaml'),
        '--space',
        spaceFile,
        '--workers',
        String(workers),
        '--quiet',
        '--out',
        out,
      ]);
      const candidates = readFileSync(join(out, 'candidates.csv'), 'utf8').trimEnd().split('\n').length - 1;
      return { workers, candidates, wallSeconds, perMinute: candidates / (wallSeconds / 60) };
    });
    const duration = /^duration: (.*)$/m.exec(readFileSync(spaceFile, 'utf8'))?.[1] ?? '?';
    return {
      space: `test/bench/${name}.yaml`,
      duration,
      runs,
      speedup: runs[1].perMinute / runs[0].perMinute,
    };
  };
  const tuneDay = sweep('tune-day');
  const tuneShort = sweep('tune-space');

  // 9. Start-up: `inferscale --help` and `inferscale validate`, as processes, beside `node -e 0`.
  progress('start-up: node -e 0, --help and validate, interleaved (test/bench/startup.ts)');
  const startup = measureStartup();

  // 6b. Replay: 24 h of recorded metrics at 15 s for 5 services (the issue's case), recorded by
  //     `simulate --openmetrics` (not timed), then `inferscale replay` on the file (timed).
  const replayHours = s.quick ? 1 : 24;
  const replayScenario = join(tmp, 'replay-5-services.yaml');
  writeFileSync(replayScenario, replayBenchScenario(replayHours));
  const recording = join(tmp, 'replay-5-services.om');
  progress(`replay: recording ${replayHours} h of 5 services at 15 s (simulate --openmetrics)`);
  cliWall([
    'simulate',
    replayScenario,
    '--no-report',
    '--quiet',
    '--out',
    join(tmp, 'replay-run'),
    '--openmetrics',
    recording,
  ]);
  progress(`replay: ${replayHours} h at 15 s, 5 services`);
  const replayWall = cliWall([
    'replay',
    replayScenario,
    '--metrics',
    recording,
    '--quiet',
    '--out',
    join(tmp, 'replay'),
  ]);
  const replayOut = JSON.parse(readFileSync(join(tmp, 'replay', 'fidelity.json'), 'utf8')) as {
    services: { measures: { replicas: { steps: number } } }[];
  };

  // 10. Report.
  const speed = [cold, warm, seedDemoSpeed, simpy, cRef, jsPort, warmOneThread, lean];
  const ratio = (a: SpeedRow, b: SpeedRow) =>
    a.framesPerSecond !== null && b.framesPerSecond !== null ? a.framesPerSecond / b.framesPerSecond : null;
  const [short, long] = rss;
  const rssRatio = short.result && long.result ? long.result.maxRssKiB / short.result.maxRssKiB : null;
  const vsSimpyWarm = ratio(warm, simpy);
  const loadAtEnd = loadavg()[0];
  // The rows run one after another, so work competing for the cores skews even the ratios. Where
  // /proc tells, other processes' CPU time is measured; the load average counts the bench's own
  // two-worker runs too, so it is only the fallback (and was a false alarm at its end).
  const cpuAtEnd = cpuMark();
  const others = cpuAtStart && cpuAtEnd ? cpuShare(cpuAtStart, cpuAtEnd) : null;
  if (others ? competed(others) : Math.max(loadAtStart, loadAtEnd) > cpus().length) {
    warnings.push(
      (others
        ? `other processes used ${others.otherCoreSeconds.toFixed(1)} core-s of CPU (and the hypervisor's steal ` +
          `${others.stealCoreSeconds.toFixed(1)} core-s) during the bench's ${others.wallSeconds.toFixed(0)} s: `
        : `the 1-minute load average reached ${Math.max(loadAtStart, loadAtEnd).toFixed(2)} on ${cpus().length} cores: `) +
        'other work competed with the bench, so even its ratios are unreliable; rerun on a quiet machine',
    );
  }
  const report: BenchReport = {
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${platform()} ${arch()}`,
      loadAverage1m: { start: loadAtStart, end: loadAtEnd },
      otherCpu: others,
    },
    quick: s.quick,
    mmck: MMCK,
    analytic: analytic.ok ? analytic.value : null,
    speed,
    ratios: {
      vsSimpy: {
        cold: ratio(cold, simpy),
        warm: vsSimpyWarm,
        warmOneThread: ratio(warmOneThread, simpy),
        seedDemo: ratio(seedDemoSpeed, simpy),
      },
      vsC: {
        cold: ratio(cold, cRef),
        warm: ratio(warm, cRef),
        warmOneThread: ratio(warmOneThread, cRef),
        seedDemo: ratio(seedDemoSpeed, cRef),
      },
      jsPortVsC: ratio(jsPort, cRef),
      leanVsC: ratio(lean, cRef),
    },
    city: {
      simSeconds: s.citySeconds,
      result: city.result,
      failed: city.failed ?? null,
      framesPerSecond: city.result ? city.result.offeredFrames / city.result.wallSeconds : null,
      /** Wall seconds of a 24 h run at the measured speed (the measured wall when the run was 24 h). */
      wall24hSeconds: city.result ? (city.result.wallSeconds * 86_400) / s.citySeconds : null,
    },
    cityFluid: {
      simSeconds: s.cityFluidSeconds,
      result: cityFluid.result,
      failed: cityFluid.failed ?? null,
      framesPerSecond: cityFluid.result
        ? cityFluid.result.offeredFrames / cityFluid.result.wallSeconds
        : null,
      wall24hSeconds: cityFluid.result ? (cityFluid.result.wallSeconds * 86_400) / s.cityFluidSeconds : null,
    },
    tune: tuneDay,
    tuneShort,
    startup,
    rss: {
      scenarioFile: relative(ROOT, rssFile) || rssFile,
      note: rssNote,
      runs: rss,
      ratioLongToShort: rssRatio,
    },
    targets: {
      simpySpeedup: {
        target: SIMPY_SPEEDUP_TARGET,
        measured: vsSimpyWarm,
        met: met(vsSimpyWarm, (x) => x >= SIMPY_SPEEDUP_TARGET),
      },
      rssGrowth: {
        target: RSS_GROWTH_TARGET,
        measured: rssRatio,
        met: met(rssRatio, (x) => x <= RSS_GROWTH_TARGET),
      },
    },
    defaultScenario: {
      runs: reportRuns,
      noReportWallSeconds: plainMedian,
      reportWallSeconds: reportMedian,
      seeds: {
        count: seedCount,
        oneWorkerWallSeconds: seeds1,
        twoWorkersWallSeconds: seeds2,
        speedup: seeds1 / seeds2,
      },
      planWallSeconds: planWall,
      plan10xWallSeconds: plan10xWall,
    },
    replay: {
      hours: replayHours,
      services: replayOut.services.length,
      stepSeconds: 15,
      steps: replayOut.services[0]?.measures.replicas.steps ?? 0,
      wallSeconds: replayWall,
    },
    warnings,
  };
  report.targets.reportOverhead = {
    target: REPORT_OVERHEAD_TARGET,
    measured: overhead,
    met: met(overhead, (x) => x < REPORT_OVERHEAD_TARGET),
  };
  process.stdout.write(s.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report, s));
  // Our own runs failing is a bug worth a red exit; a missing SimPy or gcc is only a skipped row.
  return failedRss.length > 0 || city.failed || cityFluid.failed ? 1 : 0;
}

/** Wall seconds of one `inferscale ARGS` process (node start-up included, as a user waits for it). */
function cliWall(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`inferscale ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return wall;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function toUs(seconds: number): number {
  return Math.round(seconds * 1e6);
}

async function timeReport(
  run: string,
  scenario: Scenario,
  outDir: string,
  simSeconds: number,
  prefetchDraws?: boolean,
): Promise<SpeedRow> {
  const t0 = performance.now();
  // The CSV and JSON path only (no charts): SimPy and C are timed without any drawing either.
  const r = await writeRunReport(scenario, outDir, {
    seed: MMCK.seed,
    durationUs: toUs(simSeconds),
    report: false,
    prefetchDraws,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    run,
    simSeconds,
    offeredFrames: r.total.offeredFrames,
    wallSeconds,
    framesPerSecond: r.total.offeredFrames / wallSeconds,
    dropRatio: r.total.dropRatio,
    meanWaitSeconds: r.total.meanQueueWaitSeconds,
  };
}

/**
 * `once(i)` for i = 0 .. n-1, and the run of median wall time (the slower middle one for an even n)
 * with the count and the range. A skipped run ends it. Same seed, same frames: a run whose frame
 * count differs is reported as a warning (the simulation would not be deterministic).
 */
async function medianRun(
  n: number,
  once: (i: number) => SpeedRow | Promise<SpeedRow>,
  warnings: string[],
): Promise<SpeedRow> {
  const rows: SpeedRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = await once(i);
    if (row.skipped || row.wallSeconds === null) return row;
    rows.push(row);
  }
  if (rows.some((r) => r.offeredFrames !== rows[0].offeredFrames))
    warnings.push(`${rows[0].run}: runs with the same seed offered different frame counts`);
  const walls = rows.map((r) => r.wallSeconds!);
  const sorted = [...rows].sort((a, b) => a.wallSeconds! - b.wallSeconds!);
  return {
    ...sorted[Math.floor(n / 2)],
    runs: n,
    wallRange: [Math.min(...walls), Math.max(...walls)],
  };
}

function peerRow(run: string, simSeconds: number, out: Outcome<PeerRun>): SpeedRow {
  if (!out.ok) return skippedRow(run, simSeconds, out.reason);
  const p = out.value;
  return {
    run,
    simSeconds,
    offeredFrames: p.offered,
    wallSeconds: p.wall_s,
    framesPerSecond: p.frames_per_s,
    dropRatio: p.drop_ratio,
    meanWaitSeconds: p.mean_wait,
  };
}

function skippedRow(run: string, simSeconds: number, reason: string): SpeedRow {
  progress(`${run} skipped: ${reason}`);
  return {
    run,
    simSeconds,
    offeredFrames: null,
    wallSeconds: null,
    framesPerSecond: null,
    dropRatio: null,
    meanWaitSeconds: null,
    skipped: reason,
  };
}

function speedChildRow(
  run: string,
  file: string,
  simSeconds: number,
  warmupSeconds: number,
  outDir: string,
): SpeedRow {
  const args = [file, simSeconds, warmupSeconds, outDir, MMCK.seed].map(String);
  return peerRow(run, simSeconds, runJson<PeerRun>(process.execPath, [SPEED_CHILD, ...args]));
}

function rssRun(label: string, file: string, simSeconds: number, outDir: string, engine?: 'fluid'): RssRow {
  progress(`peak RSS, ${label} (${simSeconds} s simulated) in a child process`);
  const out = runJson<RssChildResult>(process.execPath, [
    '--expose-gc',
    RSS_CHILD,
    file,
    String(simSeconds),
    outDir,
    ...(engine ? [engine] : []),
  ]);
  return out.ok
    ? { label, simSeconds, result: out.value }
    : { label, simSeconds, result: null, failed: out.reason };
}

function hoursLabel(seconds: number): string {
  return seconds >= 3600 && seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`;
}

/** The queue the scenario really simulates, compared with the one SimPy and C are given. */
function mmckMismatch(scenario: Scenario, p: MmckParams): string | null {
  const svc = scenario.services[0];
  const model = svc ? scenario.models[svc.model] : undefined;
  const st = model?.serviceTime;
  const lambda = scenario.streams.reduce((a, g) => {
    const counts = g.count.kind === 'points' ? g.count.changes.map((c) => c.count) : [NaN];
    return a + (g.arrivals === 'poisson' && counts.length === 1 ? g.ratePerStream * counts[0] : NaN);
  }, 0);
  const got = {
    lambda,
    mu: st?.type === 'exponential' ? 1 / st.mean : NaN,
    c: svc?.replicas ?? NaN,
    k: svc ? svc.replicas + svc.queueCapacity : NaN,
    seed: scenario.seed,
  };
  const off = (Object.keys(got) as (keyof typeof got)[]).filter((key) => Math.abs(got[key] - p[key]) > 1e-9);
  if (scenario.services.length !== 1) off.push('services' as keyof typeof got);
  return off.length === 0 ? null : off.map((key) => `${key}=${got[key]}, expected ${p[key]}`).join('; ');
}

function met(x: number | null, ok: (x: number) => boolean): boolean | null {
  return x === null ? null : ok(x);
}

interface BenchReport {
  machine: {
    cpuModel: string;
    cores: number;
    node: string;
    platform: string;
    loadAverage1m: { start: number; end: number };
    /** CPU other processes used while the bench ran (cpu-share.ts); null where /proc is missing. */
    otherCpu: CpuShare | null;
  };
  quick: boolean;
  mmck: MmckParams;
  analytic: Analytic | null;
  speed: SpeedRow[];
  ratios: {
    vsSimpy: {
      cold: number | null;
      warm: number | null;
      warmOneThread: number | null;
      seedDemo: number | null;
    };
    vsC: { cold: number | null; warm: number | null; warmOneThread: number | null; seedDemo: number | null };
    /** The JavaScript port of the C loop over the C loop. */
    jsPortVsC: number | null;
    /** The lean JavaScript loop (test/bench/lean-mmck.ts) over the C loop. */
    leanVsC: number | null;
  };
  city: {
    simSeconds: number;
    result: RssChildResult | null;
    failed: string | null;
    framesPerSecond: number | null;
    wall24hSeconds: number | null;
  };
  /** The city on the fluid engine (optional fast path; KPIs within the README's stated error). */
  cityFluid: BenchReport['city'];
  /** The day-long sweep (the target's) and the short one. */
  tune: TuneSweep;
  tuneShort: TuneSweep;
  startup: StartupResult;
  rss: { scenarioFile: string; note: string | null; runs: RssRow[]; ratioLongToShort: number | null };
  targets: {
    simpySpeedup: { target: number; measured: number | null; met: boolean | null };
    rssGrowth: { target: number; measured: number | null; met: boolean | null };
    reportOverhead?: { target: number; measured: number | null; met: boolean | null };
  };
  defaultScenario: {
    runs: number;
    noReportWallSeconds: number;
    reportWallSeconds: number;
    seeds: { count: number; oneWorkerWallSeconds: number; twoWorkersWallSeconds: number; speedup: number };
    planWallSeconds: number;
    plan10xWallSeconds: number;
  };
  replay: { hours: number; services: number; stepSeconds: number; steps: number; wallSeconds: number };
  warnings: string[];
}

const int = (x: number | null) => (x === null ? '-' : Math.round(x).toLocaleString('en-US'));
const dec = (x: number | null, digits: number) => (x === null ? '-' : x.toFixed(digits));
// Two decimals from 10x up: one would print 49.96x as 50.0x beside a NOT MET for >= 50x.
const times = (x: number | null) => (x === null ? '-' : x >= 10 ? `${x.toFixed(2)}x` : `${x.toFixed(3)}x`);
const mib = (kib: number) => (kib / 1024).toFixed(1);
const verdict = (m: boolean | null) => (m === null ? 'not measured' : m ? 'MET' : 'NOT MET');

/** Signed relative difference from the closed form, e.g. "+1.3%". */
function deviation(x: number | null, ref: number | undefined): string {
  if (x === null || ref === undefined || ref === 0) return '-';
  const d = (x / ref - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

function textReport(r: BenchReport, s: Settings): string {
  const p = r.mmck;
  const a = r.analytic;
  const out: string[] = [];
  out.push(`inferscale benchmark${r.quick ? ' (--quick: short runs, a smoke test; numbers are noisy)' : ''}`);
  out.push(
    `machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, node ${r.machine.node}, ${r.machine.platform}`,
  );
  out.push(
    'note: absolute figures depend on the machine and on whatever else it runs; only ratios measured within',
    '      one run are comparable, never frames/s from different runs.',
    '',
  );

  out.push(`1. M/M/c/K speed: lambda=${p.lambda}/s mu=${p.mu}/s c=${p.c} K=${p.k}, seed ${p.seed}`);
  const speedRows = r.speed.map((x) => [
    x.run,
    int(x.simSeconds),
    int(x.offeredFrames),
    String(x.runs ?? 1),
    dec(x.wallSeconds, 3),
    x.wallRange && x.runs! > 1 ? `${dec(x.wallRange[0], 3)}-${dec(x.wallRange[1], 3)}` : '',
    int(x.framesPerSecond),
    dec(x.dropRatio, 6),
    // The closed form is M/M/c/K's: the seed demo's row has nothing to compare with it.
    x === r.speed[2] ? '' : deviation(x.dropRatio, a?.drop_ratio),
    dec(x.meanWaitSeconds, 5),
    x === r.speed[2] ? '' : deviation(x.meanWaitSeconds, a?.mean_wait),
  ]);
  const closed = [
    'closed form',
    '',
    '',
    '',
    '',
    '',
    '',
    dec(a?.drop_ratio ?? null, 6),
    '',
    dec(a?.mean_wait ?? null, 5),
    '',
  ];
  out.push(
    textTable(
      [
        'run',
        'sim s',
        'frames',
        'runs',
        'wall s (median)',
        'wall s range',
        'frames/s',
        'drop ratio',
        'vs closed',
        'mean wait s',
        'vs closed',
      ],
      [closed, ...speedRows],
    ),
  );
  for (const x of r.speed) if (x.skipped) out.push(`  ${x.run} skipped: ${x.skipped}`);
  out.push(
    '  frames/s = offered frames / wall seconds of the median run (runs: how many were timed; one run here varies',
    '  by up to 7%). inferscale is timed around writeRunReport (the real report path, CSVs written); SimPy and C',
    '  time their event loop only. Short runs deviate more from the closed form.',
    '',
  );
  out.push(
    textTable(
      ['ratio', 'cold', 'warm'],
      [
        ['inferscale / SimPy', times(r.ratios.vsSimpy.cold), times(r.ratios.vsSimpy.warm)],
        ['inferscale / C', times(r.ratios.vsC.cold), times(r.ratios.vsC.warm)],
        ['inferscale on one thread / SimPy', '', times(r.ratios.vsSimpy.warmOneThread)],
        ['inferscale on one thread / C', '', times(r.ratios.vsC.warmOneThread)],
        ['inferscale seed-demo-hpa / SimPy M/M/c/K', '', times(r.ratios.vsSimpy.seedDemo)],
        ['inferscale seed-demo-hpa / C M/M/c/K', '', times(r.ratios.vsC.seedDemo)],
        ['ref_mmck.c in JavaScript / C (not inferscale)', '', times(r.ratios.jsPortVsC)],
        ['lean M/M/c/K loop in JavaScript / C (not inferscale)', '', times(r.ratios.leanVsC)],
      ],
    ),
  );
  const t1 = r.targets.simpySpeedup;
  out.push(
    `  target: inferscale (warm) >= ${t1.target}x SimPy: ${verdict(t1.met)}${t1.measured === null ? '' : ` (${times(t1.measured)})`}`,
    '',
  );

  out.push(`2. Peak RSS: ${r.rss.scenarioFile}, each run in its own process`);
  if (r.rss.note) out.push(`  NOTE: ${r.rss.note}`);
  out.push(
    textTable(
      [
        'run',
        'sim s',
        'frames',
        'events',
        'wall s',
        'RSS before run MiB',
        'peak RSS MiB',
        'heap after GC MiB',
      ],
      r.rss.runs.map((x) => [
        x.label,
        int(x.simSeconds),
        int(x.result?.offeredFrames ?? null),
        int(x.result?.events ?? null),
        dec(x.result?.wallSeconds ?? null, 2),
        x.result ? mib(x.result.baselineMaxRssKiB) : 'failed',
        x.result ? mib(x.result.maxRssKiB) : 'failed',
        x.result?.heapAfterGcKiB != null ? mib(x.result.heapAfterGcKiB) : '-',
      ]),
    ),
  );
  const t2 = r.targets.rssGrowth;
  const [short, long] = r.rss.runs;
  out.push(
    `  peak RSS ${long.label} / ${short.label}: ${times(t2.measured)}; target <= ${t2.target}x: ${verdict(t2.met)}`,
    '  (peak RSS includes the Node.js baseline shown in "RSS before run"; "heap after GC" is what the run',
    '  still holds once garbage is collected, so growth there is retained state, not collector slack)',
  );
  if (s.quick)
    out.push(`  --quick: ${short.label} and ${long.label} stand in for 1 h and 24 h (the same 24:1 ratio)`);

  const d = r.defaultScenario;
  const t3 = r.targets.reportOverhead!;
  out.push(
    '',
    `3. The default scenario (seed-demo-hpa, 10 min simulated) as \`inferscale simulate\` processes, median of ${d.runs}`,
  );
  out.push(
    textTable(
      ['run', 'wall s'],
      [
        ['simulate --no-report (CSV and JSON only)', dec(d.noReportWallSeconds, 3)],
        ['simulate (charts, index.html, summary.md too)', dec(d.reportWallSeconds, 3)],
        [`simulate --no-report --seeds ${d.seeds.count} --workers 1`, dec(d.seeds.oneWorkerWallSeconds, 3)],
        [`simulate --no-report --seeds ${d.seeds.count} --workers 2`, dec(d.seeds.twoWorkersWallSeconds, 3)],
        [
          `plan: the seed at 10x its streams (10 per type)${s.quick ? ' --seeds 1 --confirm-duration 20s' : ''}`,
          dec(d.plan10xWallSeconds, 3),
        ],
        [
          `plan scenarios/plan-seed.yaml${s.quick ? ' --seeds 1 --confirm-duration 20s' : ''}`,
          dec(d.planWallSeconds, 3),
        ],
      ],
    ),
  );
  out.push(
    `  report overhead: +${dec((t3.measured ?? 0) * 100, 0)}% of the run's wall time; target < ${t3.target * 100}%: ${verdict(t3.met)}`,
    `  --seeds speed-up, 2 workers over 1: ${times(d.seeds.speedup)} (without --workers, a run this short gets 1: model/budget.ts, defaultWorkers)`,
    `  plan, the seed at 10x its streams (8 candidates, 5 seeds x 2 min per check): target < 60 s: ${verdict(s.quick ? null : d.plan10xWallSeconds < 60)}`,
  );

  const rp = r.replay;
  out.push(
    '',
    `4. inferscale replay: ${rp.hours} h of recorded metrics at ${rp.stepSeconds} s for ${rp.services} services (${rp.steps} steps each): import, calibration, the fidelity simulation and report`,
    `  wall ${dec(rp.wallSeconds, 3)} s; target < 60 s for 24 h: ${verdict(rp.hours === 24 ? rp.wallSeconds < 60 : null)}`,
  );
  out.push('', ...issueTable(r, s));
  const o = r.machine.otherCpu;
  out.push(
    o
      ? `  CPU during the bench (${dec(o.wallSeconds, 0)} s wall): the bench ${dec(o.benchCoreSeconds, 1)} core-s, ` +
          `other processes ${dec(o.otherCoreSeconds, 1)} core-s, hypervisor steal ${dec(o.stealCoreSeconds, 1)} core-s`
      : '  CPU used by other processes during the bench: not measured (no /proc)',
  );
  if (r.warnings.length > 0) out.push('', 'warnings:', ...r.warnings.map((w) => `  - ${w}`));
  return `${out.join('\n')}\n`;
}

/** Every figure of issue 8 in one table: the measure, its peer or limit, the ratio, the target. */
function issueTable(r: BenchReport, s: Settings): string[] {
  const [cold, warm, seed, simpy, cRef, jsPort, warmOneThread, lean] = r.speed;
  void cold;
  const fps = (x: SpeedRow) => (x.framesPerSecond === null ? '-' : `${int(x.framesPerSecond)} frames/s`);
  const c = r.city;
  const cityWall = c.result ? c.result.wallSeconds : null;
  const tuneRow = (t: TuneSweep, target: boolean) =>
    row(
      `tune, ${t.runs[0].candidates} candidates x ${t.duration} (${t.space})`,
      `2 workers: ${dec(t.runs[1].perMinute, 1)} cand/min`,
      `1 worker: ${dec(t.runs[0].perMinute, 1)} cand/min`,
      times(t.speedup),
      target ? `>= ${TUNE_SPEEDUP_TARGET}x` : '',
      target ? met(t.speedup, (x) => x >= TUNE_SPEEDUP_TARGET) : 'no target',
    );
  const [short, long] = r.rss.runs;
  const row = (
    figure: string,
    measured: string,
    against: string,
    ratio: string,
    target: string,
    ok: boolean | null | 'no target',
  ) => [figure, measured, against, ratio, target, ok === 'no target' ? '' : verdict(ok)];
  const rows = [
    row(
      'engine, mmck (warm, real report path)',
      fps(warm),
      `SimPy ${fps(simpy)}`,
      times(r.ratios.vsSimpy.warm),
      `>= ${SIMPY_SPEEDUP_TARGET}x`,
      met(r.ratios.vsSimpy.warm, (x) => x >= SIMPY_SPEEDUP_TARGET),
    ),
    row(
      '',
      '',
      `C ${fps(cRef)}`,
      times(r.ratios.vsC.warm),
      `>= ${C_RATIO_TARGET}x`,
      met(r.ratios.vsC.warm, (x) => x >= C_RATIO_TARGET),
    ),
    row(
      'engine, mmck on one thread (no draws made ahead)',
      fps(warmOneThread),
      `SimPy; C`,
      `${times(r.ratios.vsSimpy.warmOneThread)}; ${times(r.ratios.vsC.warmOneThread)}`,
      '',
      'no target',
    ),
    row(
      'for scale: ref_mmck.c in JavaScript; a lean JS loop (not inferscale)',
      `${fps(jsPort)}; ${fps(lean)}`,
      'C',
      `${times(r.ratios.jsPortVsC)}; ${times(r.ratios.leanVsC)}`,
      '',
      'no target',
    ),
    row(
      'engine, seed-demo-hpa (periodic, trim-on-pop, HPA)',
      fps(seed),
      'SimPy M/M/c/K',
      times(r.ratios.vsSimpy.seedDemo),
      `>= ${SIMPY_SPEEDUP_TARGET}x`,
      met(r.ratios.vsSimpy.seedDemo, (x) => x >= SIMPY_SPEEDUP_TARGET),
    ),
    row(
      '',
      '',
      'C M/M/c/K',
      times(r.ratios.vsC.seedDemo),
      `>= ${C_RATIO_TARGET}x`,
      met(r.ratios.vsC.seedDemo, (x) => x >= C_RATIO_TARGET),
    ),
    row(
      `city (2,000 cameras, 8 types, HPA), ${hoursLabel(c.simSeconds)} simulated`,
      cityWall === null ? 'failed' : `${dec(cityWall, 1)} s wall, ${int(c.framesPerSecond)} frames/s`,
      c.simSeconds === 86_400 ? '24 h' : `24 h at this speed: ${dec(c.wall24hSeconds, 0)} s`,
      '',
      `24 h < ${CITY_WALL_TARGET_S} s`,
      met(c.wall24hSeconds, (x) => x < CITY_WALL_TARGET_S),
    ),
    row(
      `city on the fluid engine (tick 0.1 s), ${hoursLabel(r.cityFluid.simSeconds)} simulated`,
      r.cityFluid.result === null
        ? 'failed'
        : `${dec(r.cityFluid.result.wallSeconds, 1)} s wall, ${int(r.cityFluid.framesPerSecond)} frames/s, ${mib(r.cityFluid.result.maxRssKiB)} MiB`,
      r.cityFluid.simSeconds === 86_400
        ? '24 h'
        : `24 h at this speed: ${dec(r.cityFluid.wall24hSeconds, 0)} s`,
      cityWall === null || r.cityFluid.result === null
        ? ''
        : times(c.wall24hSeconds! / r.cityFluid.wall24hSeconds!),
      `24 h < ${CITY_WALL_TARGET_S} s`,
      met(r.cityFluid.wall24hSeconds, (x) => x < CITY_WALL_TARGET_S),
    ),
    row(
      `peak RSS ${long.label} / ${short.label} (${r.rss.scenarioFile})`,
      long.result ? `${mib(long.result.maxRssKiB)} MiB` : 'failed',
      short.result ? `${mib(short.result.maxRssKiB)} MiB` : 'failed',
      times(r.targets.rssGrowth.measured),
      `<= ${RSS_GROWTH_TARGET}x`,
      r.targets.rssGrowth.met,
    ),
    tuneRow(r.tune, true),
    tuneRow(r.tuneShort, false),
    ...startupRows(r.startup).map(([figure, measured, against, ratio, target, ok]) =>
      row(figure, measured, against, ratio, target, ok),
    ),
  ];
  return [
    `Issue 8 targets, every figure from this run${r.quick ? " (--quick: short runs, not the targets' lengths)" : ''}`,
    textTable(['figure', 'inferscale', 'peer / limit', 'ratio', 'target', 'verdict'], rows),
    '  SimPy and C simulate M/M/c/K only: the seed demo is compared with their M/M/c/K frames/s.',
    '  tune: the target is read on the day-long sweep, the use the issue names. Each worker thread runs slower',
    "  code for about its first second while V8 compiles the simulator for it (the compiler's threads share the",
    '  two cores with the workers): the short sweep, a few seconds in all, shows that start-up, not the scaling.',
    startupNote(r.startup),
  ];
}

/**
 * The replay bench's "cluster": 5 services of the seed's kind, each with a daily swing of file
 * streams and a few manual scales a day, recorded at 15 s (step 15s).
 */
function replayBenchScenario(hours: number): string {
  const services = ['car-fp32', 'car-int8', 'face-fp32', 'face-int8', 'people'];
  const fps = [4, 8, 20, 17, 15];
  const lines = [
    'name: replay-bench',
    `duration: ${hours}h`,
    'step: 15s',
    'cpuCatalog:',
    '  lab: { isa: [avx2], gflopsPerCore: { fp32: 50, int8: 60 } }',
    'nodePools:',
    '  lab: { count: 8, cores: 32, cpuType: lab }',
    'models:',
    ...services.map((svc, i) => `  m-${svc}: { gflops: 1, measuredFps: { lab: ${fps[i]} } }`),
    'services:',
  ];
  services.forEach((svc, i) => {
    lines.push(
      `  ${svc}:`,
      `    model: m-${svc}`,
      '    replicas: 2',
      '    startupDelay: 20s',
      '    scaleEvents:',
    );
    for (let h = 1; h < hours || (h === 1 && hours === 1); h += 3)
      lines.push(
        `      - { at: ${hours === 1 ? 20 * (i + 1) : h * 60 + i}m, replicas: ${2 + ((h + i) % 4)} }`,
      );
  });
  lines.push('streams:');
  services.forEach((svc, i) =>
    lines.push(
      `  - { type: ${svc}, kind: file, fps: 25, sine: { mean: ${1 + (i % 2)}, amplitude: 1, period: ${hours === 1 ? '1h' : '24h'}, resolution: 15m } }`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = await main(process.argv.slice(2));
