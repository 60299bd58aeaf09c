/**
 * The oracle's plan, computed offline from the resolved scenario (it knows the future load and the
 * start delays; nothing here simulates):
 *
 *   the service's stream groups -> offered FPS over time, piecewise constant (steps, ramps, traces,
 *     a sine at its resolution)
 *   -> at each load, the fewest replicas the queueing model says meet the scenario's slo
 *      (src/plan/queueing.ts `minReplicas`, as the planner's first stage: the service time on the
 *      CPU of the first pool the pods fit, under the pod's CPU limit)
 *   -> desired(t) = the most any load in [t, t + lead] needs: pods start `lead` before a rise (the
 *      start delay) and go the moment the load falls
 *   -> within [minReplicas, maxReplicas], as change points
 */
import { distMean } from '../../model/distributions.js';
import { sineCount } from '../../model/schedule.js';
import { arrivalProcess, fpsPerStream, serviceTime } from '../../plan/workload.js';
import { minReplicas, type QueueingInput, type QueueingSlo } from '../../plan/queueing.js';

import type { Scenario, ServiceConfig } from '../../scenario/types.js';

export interface OracleSpec {
  /** How long before a rise in load pods are started: by default the mean pod start delay. */
  leadSeconds: number;
  minReplicas: number;
  maxReplicas: number;
}

/** One change of the planned replica count. */
export interface OracleStep {
  atS: number;
  replicas: number;
  /** The offered FPS that decided it (the highest in its lead window). */
  fps: number;
}

/** The service's offered FPS over [0, end): change points, the first at 0. */
export function offeredFps(
  scenario: Scenario,
  service: string,
  endUs: number,
): { atUs: number; fps: number }[] {
  const events: { atUs: number; group: number; fps: number }[] = [];
  scenario.streams.forEach((g, gi) => {
    if (g.type !== service) return;
    const per = fpsPerStream(g);
    const c = g.count;
    if (c.kind === 'points') {
      for (const ch of c.changes)
        if (ch.atUs < endUs) events.push({ atUs: ch.atUs, group: gi, fps: ch.count * per });
    } else {
      for (let k = 0; k * c.resolutionUs < endUs; k++)
        events.push({ atUs: k * c.resolutionUs, group: gi, fps: sineCount(c, k) * per });
    }
  });
  events.sort((a, b) => a.atUs - b.atUs || a.group - b.group);
  const current = new Map<number, number>();
  const out: { atUs: number; fps: number }[] = [{ atUs: 0, fps: 0 }];
  for (const e of events) {
    current.set(e.group, e.fps);
    let total = 0;
    for (const v of current.values()) total += v;
    if (out[out.length - 1].atUs === e.atUs) out[out.length - 1].fps = total;
    else out.push({ atUs: e.atUs, fps: total });
  }
  return out.filter((p, i) => i === 0 || p.fps !== out[i - 1].fps);
}

/** The mean time from a pod's creation to Ready: its start stages, and half a probe period. */
export function meanStartSeconds(svc: ServiceConfig): number {
  const stages = svc.startupStages.reduce((a, s) => a + distMean(s.dist), distMean(svc.startupDelay));
  return stages + (svc.readinessProbe ? svc.readinessProbe.periodUs / 2e6 : 0);
}

/** The pool the service's pods are placed on first (the CPU its service time is read for). */
function poolOf(scenario: Scenario, svc: ServiceConfig): Scenario['nodePools'][number] {
  const fits = scenario.nodePools.filter(
    (p) => p.count > 0 && Object.entries(svc.nodeSelector).every(([k, v]) => p.labels[k] === v),
  );
  return fits[0] ?? scenario.nodePools[0];
}

export function oraclePlan(
  scenario: Scenario,
  svc: ServiceConfig,
  spec: OracleSpec,
  endUs: number,
): OracleStep[] {
  const slo: QueueingSlo = scenario.slo;
  const st = serviceTime(scenario, svc, poolOf(scenario, svc).cpuType);
  const arrivals = arrivalProcess(scenario, svc.name);
  const memo = new Map<number, number>();
  const need = (fps: number): number => {
    if (fps <= 0) return 0;
    let n = memo.get(fps);
    if (n === undefined) {
      const input: QueueingInput = {
        arrivals,
        arrivalRatePerSecond: fps,
        service: { meanSeconds: st.meanSeconds, scv: st.scv },
        queue: { capacity: svc.queueCapacity, dropPolicy: svc.dropPolicy },
        maxReplicas: spec.maxReplicas,
      };
      const r = minReplicas(input, slo);
      n = r.feasible ? r.replicas : spec.maxReplicas;
      memo.set(fps, n);
    }
    return n;
  };

  // Segments of constant load and what each needs.
  const load = offeredFps(scenario, svc.name, endUs);
  const segs = load.map((p) => ({ atS: p.atUs / 1e6, fps: p.fps, need: need(p.fps) }));
  const lead = spec.leadSeconds;
  // Candidate change times: every change, and every change brought forward by the lead.
  const times = [...new Set(segs.flatMap((s) => [s.atS, Math.max(0, s.atS - lead)]))].sort((a, b) => a - b);
  const out: OracleStep[] = [];
  let lo = 0;
  for (const t of times) {
    // Segments overlapping [t, t + lead]: from the one holding t to the last starting by t + lead.
    while (lo + 1 < segs.length && segs[lo + 1].atS <= t) lo++;
    let best = segs[lo];
    for (let i = lo + 1; i < segs.length && segs[i].atS <= t + lead; i++)
      if (segs[i].need > best.need) best = segs[i];
    const replicas = Math.min(spec.maxReplicas, Math.max(spec.minReplicas, best.need));
    if (out.length === 0 || out[out.length - 1].replicas !== replicas)
      out.push({ atS: t, replicas, fps: best.fps });
  }
  return out;
}
