/**
 * Report inputs for the report tests, made the way `inferscale report` makes them: a short run
 * written without charts, read back from its folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunFolder } from '../../src/report/read.js';
import type { ReportInput } from '../../src/report/series.js';
import { writeRunReport } from '../../src/report/write.js';
import { baseSpec, merge, scenarioFrom } from '../helpers/scenario.js';

type Obj = Record<string, unknown>;

/**
 * Two services over 2 minutes: `svc` under a CPU HPA (it scales up, then is held at its maximum),
 * `other` scaled by hand, each with a startup backlog; enough for every chart and mark kind.
 */
export const TWO_SERVICES: Obj = {
  duration: '2m',
  services: {
    svc: {
      model: 'm',
      resources: { requests: { cpu: 0.5 } },
      autoscale: { cpuPercent: 60, min: 1, max: 2 },
      startupDelay: '5s',
    },
    other: {
      model: 'm',
      queue: { capacity: 8, dropPolicy: 'drop-newest' },
      scaleEvents: [{ at: '40s', replicas: 2 }],
    },
  },
  streams: [
    { type: 'svc', fps: 15, phase: 0 },
    { type: 'other', fps: 12, phase: 0 },
  ],
  controller: { syncPeriod: '5s' },
  metricsPipeline: { metricsServerResolution: '5s' },
};

/** Runs `patch` over the test defaults into a temporary folder and reads it back. */
export async function reportInputFor(
  patch: Obj = TWO_SERVICES,
  options: { durationUs?: number } = {},
): Promise<ReportInput> {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-report-input-'));
  try {
    const scenario = scenarioFrom(merge(baseSpec(), patch));
    await writeRunReport(scenario, join(dir, 'run'), { ...options, report: false });
    return await readRunFolder(join(dir, 'run'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
