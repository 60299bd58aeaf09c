/**
 * The metrics pipeline between the pods and the HPA (reference/metrics-pipeline.md), so the
 * autoscaler sees what a real one sees, late:
 *
 *   pod CPU  --metrics-server scrape every resolution--> rate over the last two scrapes (metrics.k8s.io)
 *   ei_* gauges --Prometheus scrape every interval, fixed phase per pod--> latest sample
 *        --prometheus-adapter (latest value per pod; a metric is known after a relist)--> custom.metrics.k8s.io
 *   queue length --Prometheus scrape (a Redis exporter)--> Object / External metrics
 */
import type { MetricsSource, PodSample, PodView } from '../autoscale/hpa/index.js';
import { Ev } from '../model/events.js';
import { Phase, podName, type Pod, type ServiceState, type World } from '../model/world.js';

/** Prometheus' default query lookback: an instant query takes the newest sample at most this old. */
const LOOKBACK_US = 300e6;

/** A fixed scrape phase per target, as Prometheus derives it from a hash of the target. */
export function scrapeOffsetUs(key: string, intervalUs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % Math.max(1, Math.floor(intervalUs));
}

function cumulativeCpuCoreUs(pod: Pod, now: number): number {
  return pod.cpuCoreUs + (pod.busy ? (now - pod.lastRateUs) * pod.rate * pod.service.cfg.threads : 0);
}

/** metrics-server (v0.5+): CPU = rate between a pod's last two scrapes; a new pod needs two. */
export function scrapeMetricsServer(world: World): void {
  const now = world.now;
  for (const svc of world.services) {
    for (const pod of svc.pods) {
      if (pod.phase !== Phase.Ready && pod.phase !== Phase.Terminating) continue;
      pod.msPrevCpu = pod.msLastCpu;
      pod.msPrevUs = pod.msLastUs;
      pod.msLastCpu = cumulativeCpuCoreUs(pod, now);
      pod.msLastUs = now;
    }
  }
  world.schedule(now + world.scenario.pipeline.metricsServerResolutionUs, Ev.MetricsServerScrape, 0, 0);
}

/** First Prometheus scrape of a pod: the first tick of its phase grid once it is Ready (an endpoint). */
export function schedulePodScrapes(world: World, pod: Pod): void {
  const interval = world.scenario.pipeline.prometheusScrapeIntervalUs;
  const offset = scrapeOffsetUs(`${pod.service.cfg.name}/${podName(pod)}`, interval);
  const from = Math.max(world.now, pod.k8sReadyUs);
  const k = Math.ceil((from - offset) / interval);
  world.schedule(offset + Math.max(0, k) * interval, Ev.PromScrape, pod.id, 0);
}

export function scrapePod(world: World, pod: Pod): void {
  if (pod.phase !== Phase.Ready) {
    // A terminating pod leaves the endpoints: its series are marked stale at once.
    pod.promUs = -1;
    return;
  }
  pod.promUs = world.now;
  pod.promInfer = pod.inferFps;
  pod.promDrop = pod.dropFps;
  pod.promRatio = pod.scaleRatio;
  const svc = pod.service;
  for (const m of ['ei_infer_fps', 'ei_drop_fps', 'ei_scale_ratio'])
    if (!svc.firstSeenUs.has(m)) svc.firstSeenUs.set(m, world.now);
  world.schedule(world.now + world.scenario.pipeline.prometheusScrapeIntervalUs, Ev.PromScrape, pod.id, 0);
}

export function scrapeQueue(world: World, svc: ServiceState): void {
  svc.promQueueUs = world.now;
  svc.promQueue = svc.queue.length;
  if (!svc.firstSeenUs.has('queue_length')) svc.firstSeenUs.set('queue_length', world.now);
  world.schedule(
    world.now + world.scenario.pipeline.prometheusScrapeIntervalUs,
    Ev.QueueScrape,
    svc.index,
    0,
  );
}

export function startPipeline(world: World): void {
  const p = world.scenario.pipeline;
  world.schedule(p.metricsServerStartUs, Ev.MetricsServerScrape, 0, 0);
  for (const svc of world.services) {
    world.schedule(
      scrapeOffsetUs(`queue/${svc.cfg.name}`, p.prometheusScrapeIntervalUs),
      Ev.QueueScrape,
      svc.index,
      0,
    );
  }
}

/** The pods the HPA's selector matches, as the API server shows them. */
export function podViews(world: World, svc: ServiceState): PodView[] {
  const now = world.now;
  return svc.pods.map((p) => {
    const running = p.phase === Phase.Ready || p.phase === Phase.Terminating;
    const ready = running && now >= p.k8sReadyUs;
    return {
      name: podName(p),
      phase: running ? 'Running' : 'Pending',
      startTimeS: p.scheduledUs >= 0 ? p.scheduledUs / 1e6 : null,
      ready: running
        ? { status: ready ? 'True' : 'False', lastTransitionTimeS: (ready ? p.k8sReadyUs : p.readyUs) / 1e6 }
        : p.scheduledUs >= 0
          ? { status: 'False', lastTransitionTimeS: p.scheduledUs / 1e6 }
          : null,
      deleted: p.phase === Phase.Terminating,
      containers: [
        {
          name: svc.cfg.containerName,
          requestMilli: svc.cfg.cpuRequest > 0 ? Math.round(svc.cfg.cpuRequest * 1000) : null,
        },
      ],
    };
  });
}

function known(world: World, svc: ServiceState, metric: string): boolean {
  // prometheus-adapter discovers series on its relist ticks (k x interval from its start).
  const first = svc.firstSeenUs.get(metric);
  if (first === undefined) return false;
  const r = world.scenario.pipeline.adapterRelistIntervalUs;
  return Math.floor(world.now / r) * r >= first;
}

export type PromAggregation = 'sum' | 'avg' | 'max' | 'min';
export type PodGauge = 'ei_infer_fps' | 'ei_drop_fps' | 'ei_scale_ratio';

/**
 * A Prometheus instant query AGG(GAUGE) over the service's pods now: the newest sample of each
 * series at most the lookback old (a terminating pod's series are stale at once). null is an
 * empty result: no series.
 */
export function promInstantQuery(
  world: World,
  svc: ServiceState,
  aggregation: PromAggregation,
  gauge: PodGauge,
): number | null {
  const now = world.now;
  const values: number[] = [];
  for (const p of svc.pods) {
    if (p.promUs < 0 || now - p.promUs > LOOKBACK_US) continue;
    values.push(gauge === 'ei_infer_fps' ? p.promInfer : gauge === 'ei_drop_fps' ? p.promDrop : p.promRatio);
  }
  if (values.length === 0) return null;
  switch (aggregation) {
    case 'sum':
      return values.reduce((a, v) => a + v, 0);
    case 'avg':
      return values.reduce((a, v) => a + v, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}

/** The metrics APIs as the HPA queries them now. */
export function metricsSource(world: World, svc: ServiceState): MetricsSource {
  const now = world.now;
  const nowS = now / 1e6;
  const fresh = (p: Pod) => p.promUs >= 0 && now - p.promUs <= LOOKBACK_US;
  const gauge = (p: Pod, metric: string) =>
    metric === 'ei_infer_fps' ? p.promInfer : metric === 'ei_drop_fps' ? p.promDrop : p.promRatio;
  const notFound = (metric: string) => ({
    ok: false as const,
    error: `no metric ${metric} is known to prometheus-adapter yet (it learns series on its relist)`,
  });
  const podSum = (metric: string) => svc.pods.filter(fresh).reduce((a, p) => a + gauge(p, metric), 0);
  const serviceValue = (metric: string): number =>
    metric === 'queue_length' ? svc.promQueue : podSum(metric);
  return {
    resource(_name, container) {
      const samples: PodSample[] = [];
      for (const p of svc.pods) {
        if (p.msPrevUs < 0 || p.msLastUs <= p.msPrevUs) continue;
        const milli = Math.round(((p.msLastCpu - p.msPrevCpu) / (p.msLastUs - p.msPrevUs)) * 1000);
        samples.push({
          pod: podName(p),
          valueMilli: milli,
          timestampS: p.msLastUs / 1e6,
          windowS: (p.msLastUs - p.msPrevUs) / 1e6,
          containers: [{ name: container ?? svc.cfg.containerName, usageMilli: milli }],
        });
      }
      return samples.length > 0 || svc.pods.length === 0
        ? { ok: true, value: samples }
        : {
            ok: false,
            error: 'no metrics returned from resource metrics API',
          };
    },
    pods(metric) {
      if (!known(world, svc, metric)) return notFound(metric);
      const value = svc.pods.filter(fresh).map((p) => ({
        pod: podName(p),
        valueMilli: Math.round(gauge(p, metric) * 1000),
        timestampS: nowS,
        windowS: 60,
      }));
      return { ok: true, value };
    },
    object(metric) {
      if (!known(world, svc, metric === 'queue_length' ? 'queue_length' : 'ei_scale_ratio'))
        return notFound(metric);
      return { ok: true, value: Math.round(serviceValue(metric) * 1000) };
    },
    external(metric) {
      if (!known(world, svc, metric === 'queue_length' ? 'queue_length' : 'ei_scale_ratio'))
        return notFound(metric);
      return { ok: true, value: [Math.round(serviceValue(metric) * 1000)] };
    },
  };
}
