/**
 * Start-up (issue 8: `inferscale --help` and `inferscale validate` under 300 ms wall), as a user
 * waits for it: whole processes, node's own start-up included. The machine is shared, so each
 * round runs `node -e 0` (the floor no command can beat) beside the two commands, interleaved so
 * that a busy moment lands on all three, and the medians are reported side by side with the load.
 *
 * `node dist/test/bench/startup.js [ROUNDS]` prints these rows alone; `npm run bench` includes them.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export const STARTUP_TARGET_S = 0.3;
export const STARTUP_ROUNDS = 9;

export interface StartupResult {
  rounds: number;
  /** Median wall seconds of `node -e 0`. */
  nodeFloorSeconds: number;
  helpWallSeconds: number;
  validateWallSeconds: number;
  /** One-minute load average before and after the rounds. */
  load: [number, number];
}

/** Wall seconds of one process `node ARGS`, which must exit 0. */
function wall(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function measureStartup(rounds = STARTUP_ROUNDS): StartupResult {
  const loadBefore = loadavg()[0];
  const floor: number[] = [];
  const help: number[] = [];
  const validate: number[] = [];
  const scenario = join(ROOT, 'scenarios', 'seed-demo-hpa.yaml');
  for (let i = 0; i < rounds; i++) {
    floor.push(wall(['-e', '0']));
    help.push(wall([CLI, '--help']));
    validate.push(wall([CLI, 'validate', scenario]));
  }
  return {
    rounds,
    nodeFloorSeconds: median(floor),
    helpWallSeconds: median(help),
    validateWallSeconds: median(validate),
    load: [loadBefore, loadavg()[0]],
  };
}

/** Table rows: figure, inferscale, the floor beside it, the difference, target, whether met. */
export function startupRows(r: StartupResult): [string, string, string, string, string, boolean][] {
  const s = (x: number) => `${x.toFixed(3)} s`;
  const floor = `node -e 0: ${s(r.nodeFloorSeconds)}`;
  const row = (command: string, x: number): [string, string, string, string, string, boolean] => [
    `inferscale ${command} (process wall, median of ${r.rounds})`,
    s(x),
    floor,
    `+${s(x - r.nodeFloorSeconds)}`,
    `< ${STARTUP_TARGET_S} s`,
    x < STARTUP_TARGET_S,
  ];
  return [row('--help', r.helpWallSeconds), row('validate', r.validateWallSeconds)];
}

export function startupNote(r: StartupResult): string {
  return `  start-up: load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after; the third column is node's own start-up, the fourth what inferscale adds to it`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = process.argv[2] === undefined ? STARTUP_ROUNDS : Number(process.argv[2]);
  const r = measureStartup(rounds);
  for (const row of startupRows(r)) {
    process.stdout.write(`${row.slice(0, 5).join(' | ')} | ${row[5] ? 'MET' : 'NOT MET'}\n`);
  }
  process.stdout.write(`${startupNote(r)}\n`);
}
