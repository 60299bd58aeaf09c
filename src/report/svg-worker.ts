/**
 * The worker thread behind SvgRenderer. It starts while the simulation runs on the main thread:
 * loads vega and vega-lite and draws every kind of chart once on made-up data, so the code is
 * compiled by the time the run's charts arrive (a short run's charts arrive first: the warm-up
 * then stops, as it would only delay them). Requests are rendered one at a time, in order.
 *
 *   message { id, spec, idPrefix } -> { id, svg, warnings } or { id, error }
 */
import { parentPort } from 'node:worker_threads';
import type { FrameKpis, RunResult } from '../model/simulate.js';
import { reportCharts, type VlSpec } from './charts.js';
import { ReportCollector, type ReportInput } from './series.js';
import { renderSvg } from './svg.js';

export interface RenderRequest {
  id: number;
  spec: VlSpec;
  idPrefix: string;
}

export type RenderReply = { id: number; svg: string; warnings: string[] } | { id: number; error: string };

const NO_FRAMES: FrameKpis = {
  offeredFrames: 0,
  inferredFrames: 0,
  droppedFrames: 0,
  queuedAtEnd: 0,
  inServiceAtEnd: 0,
  dropRatio: 0,
  offeredFps: 0,
  inferFps: 0,
  dropFps: 0,
  meanQueueWaitSeconds: null,
  latencyP50Seconds: null,
  latencyP95Seconds: null,
  latencyP99Seconds: null,
  replicaSeconds: 0,
  replicaSecondsHeldByStabilization: 0,
  maxReplicas: 0,
  cpuCoreSeconds: 0,
};

/** A made-up minute of two services with every kind of mark the report draws. */
function warmUpInput(): ReportInput {
  const services = ['a', 'b'];
  const collector = new ReportCollector(60e6, 1e6);
  for (let t = 1; t <= 60; t++)
    for (const service of services)
      collector.row({
        timeS: t,
        service,
        replicas: t > 20 ? 2 : 1,
        readyReplicas: 1,
        queueLength: t % 5 === 0 ? 120 : 30,
        offeredFps: 25,
        inferFps: 10 + (t % 7),
        dropFps: t === 3 ? 200 : 15 - (t % 7),
        scaleRatio: null,
        cpuUtilization: null,
        latencyP50S: t % 10 === 0 ? null : 0.05 * (t % 3),
        latencyP95S: t % 10 === 0 ? null : 0.1 * (t % 3),
        latencyP99S: t % 10 === 0 ? null : 0.15 * (t % 3),
        desiredReplicas: 2,
        hpaMetric: 90 + t,
        hpaTarget: 80,
      });
  for (let t = 1; t <= 60; t++)
    collector.node({
      timeS: t,
      pool: 'p',
      nodes: 2,
      cpuCores: 16,
      cpuRequestedCores: t > 20 ? 4 : 2,
      cpuUsedCores: 1 + (t % 5),
      cpuUtilization: (1 + (t % 5)) / 16,
    });
  collector.event({ timeS: 30, service: 'a', event: 'hpa-rescale', detail: 'warm-up' });
  const result: RunResult = {
    scenario: 'warm-up',
    seed: 1,
    durationSeconds: 60,
    stepSeconds: 1,
    recoveryMaxDropPercent: 1,
    services: services.map((service) => ({
      ...NO_FRAMES,
      service,
      meanReplicas: 1,
      podsCreated: 1,
      podsPendingAtEnd: 0,
      scaleEvents: 1,
      scaleEventsPerHour: 60,
      sloViolationSeconds: 0,
      framesDroppedWhileScalingUp: 0,
      loadSteps: [{ atSeconds: 0, recoverySeconds: 5 }],
      maxRecoverySeconds: 5,
      unrecoveredLoadSteps: 0,
    })),
    total: NO_FRAMES,
    events: 1,
    nodeHours: 0,
    cost: 0,
  };
  return collector.finish(result, null);
}

let requested = false;

async function warmUp(): Promise<void> {
  for (const chart of reportCharts(warmUpInput(), { interactive: false })) {
    if (requested) return;
    await renderSvg(chart.spec, 'warm-up');
  }
}

const port = parentPort;
if (port) {
  // Requests wait for the warm-up and for each other: one view at a time.
  let queue: Promise<void> = warmUp().catch(() => undefined);
  port.on('message', (request: RenderRequest) => {
    requested = true;
    queue = queue.then(async () => {
      let reply: RenderReply;
      try {
        const { svg, warnings } = await renderSvg(request.spec, request.idPrefix);
        reply = { id: request.id, svg, warnings };
      } catch (e) {
        reply = { id: request.id, error: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
    });
  });
}
