/**
 * The programs the benchmark runs in child processes: the SimPy peer, the C reference loop, the
 * closed form, and our own RSS child. Each prints one JSON line; a missing tool becomes a skipped
 * row with the reason and the way to install it, never a silent gap or a crash of the whole bench.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface MmckParams {
  lambda: number;
  mu: number;
  c: number;
  k: number;
  seed: number;
}

/** What simpy_mmck.py and ref_mmck.c print (their field names). */
export interface PeerRun {
  offered: number;
  served: number;
  dropped: number;
  /** null when nothing was offered or served (an inferscale run; the peers always have both). */
  drop_ratio: number | null;
  mean_wait: number | null;
  wall_s: number;
  frames_per_s: number;
}

export interface Analytic {
  drop_ratio: number;
  mean_wait: number;
  utilization: number;
}

// Generous: a hung child must not hang the bench, but a slow shared machine must not be cut off.
const TIMEOUT_MS = 15 * 60 * 1000;

/** Runs a program and parses the last line of its stdout as JSON. */
export function runJson<T>(cmd: string, args: string[]): Outcome<T> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  const shown = [cmd, ...args].join(' ');
  if (r.error) return { ok: false, reason: `${shown}: ${r.error.message}` };
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    return { ok: false, reason: `${shown}: ${why}: ${lastLines(r.stderr, 5)}` };
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ok: true, value: JSON.parse(line) as T };
  } catch {
    return {
      ok: false,
      reason: `${shown}: expected one JSON line, got ${JSON.stringify(line.slice(0, 200))}`,
    };
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(no stderr)';
}

function mmckArgs(p: MmckParams, simSeconds?: number): string[] {
  const base = [p.lambda, p.mu, p.c, p.k].map(String);
  return simSeconds === undefined ? base : [...base, String(simSeconds), String(p.seed)];
}

function requireFile(path: string): Outcome<string> {
  return existsSync(path)
    ? { ok: true, value: path }
    : { ok: false, reason: `${path} not found (set INFERSCALE_SHARED or --shared to the shared folder)` };
}

/** The SimPy version, or why `import simpy` fails and how to install it. */
export function simpyVersion(python: string): Outcome<string> {
  const r = spawnSync(python, ['-c', 'import simpy; print(simpy.__version__)'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${python} cannot be run (${r.error.message}); install python3` };
  if (r.status !== 0) {
    return {
      ok: false,
      reason:
        `\`import simpy\` fails under ${python}; install it with \`sudo apt-get install python3-simpy3\`` +
        ' (which serves /usr/bin/python3) or `pip install simpy` for another Python',
    };
  }
  return { ok: true, value: r.stdout.trim() };
}

export function runSimpy(
  python: string,
  benchDir: string,
  p: MmckParams,
  simSeconds: number,
): Outcome<PeerRun> {
  const script = requireFile(join(benchDir, 'simpy_mmck.py'));
  if (!script.ok) return script;
  return runJson<PeerRun>(python, [script.value, ...mmckArgs(p, simSeconds)]);
}

export function runAnalytic(python: string, benchDir: string, p: MmckParams): Outcome<Analytic> {
  const script = requireFile(join(benchDir, 'mmck_analytic.py'));
  if (!script.ok) return script;
  return runJson<Analytic>(python, [script.value, ...mmckArgs(p)]);
}

/** Compiles ref_mmck.c into `outDir`; returns the binary's path. */
export function buildC(benchDir: string, outDir: string): Outcome<string> {
  const source = requireFile(join(benchDir, 'ref_mmck.c'));
  if (!source.ok) return source;
  const bin = join(outDir, 'ref_mmck');
  const r = spawnSync('gcc', ['-O2', '-o', bin, source.value, '-lm'], { encoding: 'utf8' });
  if (r.error)
    return {
      ok: false,
      reason: `gcc cannot be run (${r.error.message}); install it with \`sudo apt-get install gcc\``,
    };
  if (r.status !== 0) return { ok: false, reason: `gcc failed: ${lastLines(r.stderr, 5)}` };
  return { ok: true, value: bin };
}

export function runC(bin: string, p: MmckParams, simSeconds: number): Outcome<PeerRun> {
  return runJson<PeerRun>(bin, mmckArgs(p, simSeconds));
}
