/**
 * A real Prometheus on loopback for tests (../shared/reference/prometheus.md): Debian's
 * `prometheus` and `promtool` (which `.ci/run` installs), a temporary storage folder filled by
 * `promtool tsdb create-blocks-from openmetrics`, a free port on 127.0.0.1, and a stop by process id.
 *
 * Set INFERSCALE_PROMETHEUS / INFERSCALE_PROMTOOL to other binaries, or INFERSCALE_SKIP_PROMETHEUS=1
 * to skip the tests that need them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PROMETHEUS = process.env.INFERSCALE_PROMETHEUS || '/usr/bin/prometheus';
export const PROMTOOL = process.env.INFERSCALE_PROMTOOL || '/usr/bin/promtool';

/** Why no Prometheus can run here, or null when one can. */
export function prometheusMissing(): string | null {
  for (const bin of [PROMETHEUS, PROMTOOL])
    if (!existsSync(bin))
      return (
        `${bin} not found: the round-trip test needs Debian's prometheus package. Install it with ` +
        '`sudo apt-get install -y --no-install-recommends prometheus` (.ci/run does), point ' +
        'INFERSCALE_PROMETHEUS and INFERSCALE_PROMTOOL at other binaries, or set INFERSCALE_SKIP_PROMETHEUS=1 to skip it.'
      );
  return null;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Backfills `openMetricsFile` into `dir`/data with promtool. */
export function backfill(openMetricsFile: string, dir: string): void {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, data], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`promtool failed (${r.status}): ${r.stderr}`);
}

export interface RunningPrometheus {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts Prometheus on `dir`/data at a free loopback port and waits until /-/ready answers 200. */
export async function startPrometheus(dir: string): Promise<RunningPrometheus> {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global: {scrape_interval: 15s}\nscrape_configs: []\n');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=10y',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    };
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return { url, port, process: child, stop };
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await stop();
    lastError = log;
  }
  throw new Error(`Prometheus did not become ready:\n${lastError}`);
}
