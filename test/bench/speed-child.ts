/**
 * One scenario's speed through the report path (CSV and JSON, no charts), warm, in its own process:
 * a warm-up run, then the timed one. A user's process runs one scenario, and so do SimPy's and the C
 * loop's; in a process that ran another scenario first, the handlers they share carry that one's type
 * feedback (the seed demo measured 7.4-7.7 M frames/s after the mmck runs, 8.5 M alone).
 * Usage: node dist/test/bench/speed-child.js SCENARIO_FILE SECONDS WARMUP_SECONDS OUT_DIR SEED
 * Prints one JSON line to stdout, in the reference programs' form (PeerRun, external.ts).
 */
import { loadScenario, writeRunReport } from '../../src/index.js';
import type { PeerRun } from './external.js';

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
  const wallSeconds = (performance.now() - t0) / 1000;
  const out: PeerRun = {
    offered: r.total.offeredFrames,
    served: r.total.inferredFrames,
    dropped: r.total.droppedFrames,
    drop_ratio: r.total.dropRatio,
    mean_wait: r.total.meanQueueWaitSeconds,
    wall_s: wallSeconds,
    frames_per_s: r.total.offeredFrames / wallSeconds,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = await main(process.argv.slice(2));
