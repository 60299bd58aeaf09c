/**
 * One scenario's speed through the report path (CSV and JSON, no charts), warm, in its own process:
 * a warm-up run, then the timed one. A user's process runs one scenario, and so do SimPy's and the C
 * loop's; in a process that ran another scenario first, the handlers they share carry that one's type
 * feedback (the seed demo measured 7.4-7.7 M frames/s after the mmck runs, 8.5 M alone).
 * Usage: node dist/test/bench/speed-child.js SCENARIO_FILE SECONDS WARMUP_SECONDS OUT_DIR SEED
 * Prints one JSON line (SpeedChildResult) to stdout.
 */
import { loadScenario, writeRunReport } from '../../src/index.js';

export interface SpeedChildResult {
  scenario: string;
  offeredFrames: number;
  wallSeconds: number;
  dropRatio: number | null;
  meanQueueWaitSeconds: number | null;
}

async function main(args: string[]): Promise<number> {
  const [file, seconds, warmup, outDir, seedText] = args;
  const durationS = Number(seconds);
  const warmupS = Number(warmup);
  const seed = Number(seedText);
  if (!file || !outDir || !(durationS > 0) || !(warmupS >= 0) || !Number.isInteger(seed)) {
    process.stderr.write('usage: speed-child.js SCENARIO_FILE SECONDS WARMUP_SECONDS OUT_DIR SEED\n');
    return 2;
  }
  const scenario = loadScenario(file);
  if (warmupS > 0) {
    await writeRunReport(scenario, `${outDir}-warmup`, {
      seed,
      durationUs: Math.round(warmupS * 1e6),
      report: false,
    });
  }
  const t0 = performance.now();
  const r = await writeRunReport(scenario, outDir, {
    seed,
    durationUs: Math.round(durationS * 1e6),
    report: false,
  });
  const out: SpeedChildResult = {
    scenario: scenario.name,
    offeredFrames: r.total.offeredFrames,
    wallSeconds: (performance.now() - t0) / 1000,
    dropRatio: r.total.dropRatio,
    meanQueueWaitSeconds: r.total.meanQueueWaitSeconds,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = await main(process.argv.slice(2));
