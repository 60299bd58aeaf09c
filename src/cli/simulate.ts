import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { summaryText } from '../report/markdown.js';
import { roundDeep, writeRunReport } from '../report/write.js';
import { parseDurationUs } from '../scenario/duration.js';
import {
  budgetProblems,
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_ROWS,
  defaultWorkers,
  estimateRun,
} from '../model/budget.js';
import { loadScenario } from '../scenario/load.js';
import { defaultFluidTickUs, type Scenario } from '../scenario/types.js';
import { DEFAULT_OPENMETRICS_START_S, OpenMetricsWriter } from '../replay/openmetrics.js';
import { parseTime } from '../replay/time.js';
import { checkOutputPath } from './atomic.js';
import { outputFailure } from './errors.js';
import { DEFAULT_SCENARIO } from './paths.js';
import { progressBar } from './progress.js';

export interface SimulateArgs {
  file?: string;
  seed?: number;
  duration?: string;
  /** Override of the time series' step. */
  step?: string;
  /** Override of the scenario's engine. */
  engine?: string;
  out?: string;
  /** Budgets checked against the run's estimate before it starts (defaults in model/budget.ts). */
  maxEvents?: number;
  maxRows?: number;
  json?: boolean;
  quiet?: boolean;
  /** false (--no-report): the CSV and JSON files only. */
  report?: boolean;
  /** Seeds to run (the seed and the next ones); bands over them. */
  seeds?: number;
  /** Worker threads for the seeds after the first (default: the machine's parallelism). */
  workers?: number;
  /** Also write the run's metrics (the first seed's) as OpenMetrics text to this file. */
  openmetrics?: string;
  /** Unix seconds of simulated time 0 in the OpenMetrics file (default 2026-01-01T00:00:00Z). */
  openmetricsStart?: string;
}

function optionIssue(field: string, message: string): ConfigError {
  return new ConfigError([{ file: '(command line)', line: 1, col: 1, field, message }]);
}

/** A duration option (90s, 5m, 1h, or plain seconds) in microseconds; undefined when not given. */
function durationOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDurationUs(/^[0-9.]+$/.test(value) ? Number(value) : value);
  } catch {
    throw optionIssue(flag, `${JSON.stringify(value)} is not a duration (like 90s, 5m, 1h)`);
  }
}

function budgetOption(flag: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value >= 1))
    throw optionIssue(flag, `must be a number of at least 1, not ${value}`);
  return value;
}

/**
 * The scenario with --engine applied (fluid at the scenario's tick, else the default one), and its
 * tick checked against a --step that overrides the scenario's.
 */
function withEngine(scenario: Scenario, engine: string | undefined): Scenario {
  if (engine !== undefined && engine !== 'exact' && engine !== 'fluid')
    throw optionIssue('--engine', `must be exact or fluid, not ${JSON.stringify(engine)}`);
  let out = scenario;
  if (engine === 'exact' && out.engine) {
    const { engine: _fluid, ...exact } = out;
    out = exact;
  } else if ((engine === 'fluid' || out.engine) && !out.engine?.tickGiven) {
    // The default tick is the step's (a --step may have replaced the scenario's since it resolved).
    out = { ...out, engine: { kind: 'fluid', tickUs: defaultFluidTickUs(out.stepUs) } };
  }
  // Only a --step shorter than the scenario's own tick can do this (the scenario's step cannot).
  if (out.engine && out.engine.tickUs > out.stepUs)
    throw optionIssue(
      '--step',
      `must not be shorter than the scenario's engine.tick (${out.engine.tickUs / 1e3} ms)`,
    );
  return out;
}

export async function runSimulate(args: SimulateArgs): Promise<number> {
  const file = args.file ?? DEFAULT_SCENARIO;
  let scenario = loadScenario(file);
  const durationUs = durationOption('--duration', args.duration);
  if (durationUs !== undefined && !(durationUs >= 1000 && durationUs <= 366 * 86400e6))
    throw optionIssue('--duration', 'must be between 1ms and 366d');
  const stepUs = durationOption('--step', args.step);
  if (stepUs !== undefined) {
    if (stepUs < 1000) throw optionIssue('--step', 'must be at least 1ms');
    if (stepUs > (durationUs ?? scenario.durationUs))
      throw optionIssue('--step', 'must not exceed the duration');
    scenario = { ...scenario, stepUs };
  }
  scenario = withEngine(scenario, args.engine);
  if (args.seed !== undefined && !(Number.isInteger(args.seed) && args.seed >= 0 && args.seed < 2 ** 32)) {
    throw optionIssue('--seed', `must be an integer in [0, 2^32), not ${args.seed}`);
  }
  if (args.seeds !== undefined && !(Number.isInteger(args.seeds) && args.seeds >= 1 && args.seeds <= 10000))
    throw optionIssue('--seeds', `must be an integer from 1 to 10000, not ${args.seeds}`);
  if (
    args.workers !== undefined &&
    !(Number.isInteger(args.workers) && args.workers >= 1 && args.workers <= 256)
  )
    throw optionIssue('--workers', `must be an integer from 1 to 256, not ${args.workers}`);
  const seeds = args.seeds ?? 1;
  if ((args.seed ?? scenario.seed) + seeds - 1 >= 2 ** 32)
    throw optionIssue(
      '--seeds',
      `the last seed would be ${(args.seed ?? scenario.seed) + seeds - 1}, past 2^32 - 1`,
    );
  const limits = {
    maxEvents: budgetOption('--max-events', args.maxEvents, DEFAULT_MAX_EVENTS),
    maxRows: budgetOption('--max-rows', args.maxRows, DEFAULT_MAX_ROWS),
  };
  const estimate = estimateRun(scenario, durationUs ?? scenario.durationUs);
  const over = budgetProblems(estimate, seeds, limits);
  if (over.length > 0)
    throw new ConfigError(
      over.map((o) => ({
        file: scenario.sourceFile ?? '(built-in)',
        line: 1,
        col: 1,
        field: o.field,
        message: o.message,
      })),
    );
  const outDir = resolve(args.out ?? join('reports', scenario.name));
  checkOutputPath(outDir, 'folder', '--out');
  if (args.openmetrics) checkOutputPath(resolve(args.openmetrics), 'file', '--openmetrics');
  let startUnixS = DEFAULT_OPENMETRICS_START_S;
  if (args.openmetricsStart !== undefined) {
    const t = parseTime(args.openmetricsStart);
    if (t === null) throw optionIssue('--openmetrics-start', 'must be Unix seconds or an RFC 3339 time');
    startUnixS = t;
  }
  const om = args.openmetrics
    ? new OpenMetricsWriter(resolve(args.openmetrics), {
        startUnixS,
        containers: Object.fromEntries(scenario.services.map((s) => [s.name, s.containerName])),
      })
    : null;
  // A progress line only for people watching a terminal; never with --quiet or a redirected stderr.
  const progress =
    process.stderr.isTTY && !args.quiet
      ? progressBar(
          (durationUs ?? scenario.durationUs) / 1e6,
          Math.min(scenario.stepUs, durationUs ?? scenario.durationUs) / 1e6,
        )
      : null;
  // Ctrl-C (or SIGTERM) stops the run between slices of events; the folder keeps its previous report.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => interrupt.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const hadReport = existsSync(join(outDir, 'summary.json'));
  let simulatedS = 0;
  let interrupted: string | null = null;
  let result;
  try {
    result = await writeRunReport(scenario, outDir, {
      signal: interrupt.signal,
      seed: args.seed,
      durationUs,
      report: args.report,
      seeds,
      workers: args.workers ?? defaultWorkers(estimate, seeds, availableParallelism()),
      onSeedDone: progress ? (done, of) => progress.onSeed(done, of) : undefined,
      onRow: (r) => {
        simulatedS = r.timeS;
        progress?.onRow(r);
        om?.row(r);
      },
      onPod: om ? (r) => om.pod(r) : undefined,
    });
    om?.finish();
  } catch (e) {
    om?.abort();
    // What is (not) on disk, the same whether a signal or a full disk ended the run.
    const kept =
      `nothing was written${args.openmetrics ? ' (nor the OpenMetrics file)' : ''}; ` +
      (hadReport ? `the previous report in ${outDir} is unchanged` : `${outDir} holds no report`);
    if (!interrupt.signal.aborted)
      throw outputFailure(
        e,
        `the report in ${outDir}${args.openmetrics ? ` or ${args.openmetrics}` : ''}`,
        kept,
      );
    interrupted = `interrupted (${interrupt.signal.reason}) at ${simulatedS} of ${(durationUs ?? scenario.durationUs) / 1e6} s simulated: ${kept}`;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress?.done();
  }
  if (interrupted !== null || result === undefined) {
    process.stderr.write(`\n${interrupted}\n`);
    return interrupt.signal.reason === 'SIGTERM' ? 143 : 130;
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(roundDeep(result), null, 2)}\n`);
  } else if (!args.quiet) {
    process.stdout.write(
      `${scenario.name}: ${result.durationSeconds} s simulated, seed ${result.seed}\n\n${summaryText(result, result.replications ?? null)}\n\nreport: ${outDir}\n`,
    );
  }
  return 0;
}
