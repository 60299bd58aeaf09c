/**
 * One report run in its own process, so its peak RSS is its own and not the bench's.
 * Usage: node --expose-gc dist/test/bench/rss-child.js SCENARIO_FILE DURATION_SECONDS OUT_DIR [fluid]
 * (fluid: the fluid engine at its default tick instead of the scenario's engine)
 * Prints one JSON line (RssChildResult) to stdout.
 */
import { loadScenario, writeRunReport } from '../../src/index.js';
import { defaultFluidTickUs } from '../../src/scenario/types.js';

export interface RssChildResult {
  scenario: string;
  durationSeconds: number;
  offeredFrames: number;
  events: number;
  wallSeconds: number;
  /** Peak RSS after loading the scenario, before simulating: the process's own baseline. */
  baselineMaxRssKiB: number;
  /** Peak RSS over the whole process, run included. */
  maxRssKiB: number;
  /**
   * V8 heap still in use after the run and a full GC (needs --expose-gc, else null): tells retained
   * state apart from garbage the collector had not yet returned when the peak was reached.
   */
  heapAfterGcKiB: number | null;
}

async function main(args: string[]): Promise<number> {
  const [file, seconds, outDir, engine] = args;
  const durationS = Number(seconds);
  if (!file || !outDir || !(durationS > 0) || (engine !== undefined && engine !== 'fluid')) {
    process.stderr.write('usage: rss-child.js SCENARIO_FILE DURATION_SECONDS OUT_DIR [fluid]\n');
    return 2;
  }
  const loaded = loadScenario(file);
  const scenario =
    engine === 'fluid'
      ? { ...loaded, engine: { kind: 'fluid' as const, tickUs: defaultFluidTickUs(loaded.stepUs) } }
      : loaded;
  const baselineMaxRssKiB = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  // The simulation's memory: the CSV and JSON path, without charts.
  const result = await writeRunReport(scenario, outDir, {
    durationUs: Math.round(durationS * 1e6),
    report: false,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const maxRssKiB = process.resourceUsage().maxRSS;
  let heapAfterGcKiB: number | null = null;
  if (globalThis.gc) {
    globalThis.gc();
    heapAfterGcKiB = process.memoryUsage().heapUsed / 1024;
  }
  const out: RssChildResult = {
    scenario: scenario.name,
    durationSeconds: result.durationSeconds,
    offeredFrames: result.total.offeredFrames,
    events: result.events,
    wallSeconds,
    baselineMaxRssKiB,
    maxRssKiB,
    heapAfterGcKiB,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = await main(process.argv.slice(2));
