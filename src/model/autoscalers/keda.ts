/**
 * KEDA inside the simulated cluster (reference/autoscalers/KEDA.md). The operator polls every
 * trigger every pollingInterval from the ScaledObject's creation (the first poll at once), and
 * the HPA it created syncs every controller sync period from one period after creation. Both read
 * the scalers live: the Redis list scaler's LLEN is the queue's length at that instant (no
 * exporter, no scrape), the Prometheus scaler's query reads the pods' gauges as Prometheus last
 * scraped them.
 */
import type {
  KedaDecision,
  KedaObservation,
  KedaSpec,
  KedaState,
  RawReading,
} from '../../autoscale/keda/types.js';
import type { Policy } from '../../autoscale/policy.js';
import { AUTOSCALERS } from '../../autoscale/registry.js';
import { promInstantQuery, type PodGauge, type PromAggregation } from '../../metrics/pipeline.js';
import { PROMETHEUS_QUERY, queueListName } from '../../scenario/keda-resolve.js';
import { InvariantError } from '../../errors.js';
import { Ev } from '../events.js';
import { Phase, type ServiceState, type World } from '../world.js';
import type { AutoscalerDriver } from '../autoscaling.js';
import { applyHpaSync, scaleObservation } from './hpa.js';

const POLL = 0;
const HPA_SYNC = 1;

type KedaPolicy = Policy<KedaState, KedaObservation, KedaDecision>;

function specOf(svc: ServiceState): KedaSpec {
  const a = svc.cfg.autoscaler;
  if (a?.policy !== 'keda') throw new InvariantError(`${svc.cfg.name} has no KEDA ScaledObject`);
  return a.keda;
}

export const kedaDriver: AutoscalerDriver = {
  start(world, svc) {
    const createdUs = svc.cfg.hpaAppliedAtUs;
    const policy = AUTOSCALERS.keda.create(specOf(svc), world.hpaConfig, createdUs / 1e6);
    svc.autoscaler = policy;
    svc.autoscalerState = policy.initialState(createdUs / 1e6);
    world.schedule(createdUs, Ev.AutoscalerTick, svc.index, POLL);
    world.schedule(
      createdUs + world.scenario.controller.syncPeriodUs,
      Ev.AutoscalerTick,
      svc.index,
      HPA_SYNC,
    );
  },
  tick(world, svc, loop) {
    const spec = specOf(svc);
    const policy = svc.autoscaler as KedaPolicy;
    const before = svc.autoscalerState as KedaState;
    const nowS = world.now / 1e6;
    const readings = readTriggers(world, svc, spec);
    const readyPods = svc.pods.filter((p) => p.phase === Phase.Ready && world.now >= p.k8sReadyUs).length;
    if (loop === POLL) {
      const d = policy.decide(
        before,
        { loop: 'poll', currentReplicas: svc.desired, readyPods, readings },
        nowS,
      );
      svc.autoscalerState = d.nextState;
      if (d.loop !== 'poll') throw new InvariantError('a KEDA poll returned an HPA decision');
      logPoll(world, svc, before, d);
      if (d.scaled) {
        world.accountReplicas(svc);
        if (d.replicas !== svc.desired) svc.scaleEvents++;
        svc.desired = d.replicas;
        world.reconcile(svc);
      }
      world.schedule(world.now + spec.pollingIntervalSeconds * 1e6, Ev.AutoscalerTick, svc.index, POLL);
      return;
    }
    world.accountReplicas(svc);
    const d = policy.decide(
      before,
      { loop: 'hpa', hpa: scaleObservation(world, svc), readyPods, readings },
      nowS,
    );
    if (d.loop !== 'hpa') throw new InvariantError('a KEDA HPA sync returned a poll decision');
    svc.autoscalerState = d.nextState;
    applyHpaSync(world, svc, before.hpa, d.sync);
    world.schedule(
      world.now + world.hpaConfig.syncPeriodSeconds * 1e6,
      Ev.AutoscalerTick,
      svc.index,
      HPA_SYNC,
    );
  },
};

/** Every trigger's scaler, asked now. */
function readTriggers(world: World, svc: ServiceState, spec: KedaSpec): RawReading[] {
  return spec.triggers.map((t): RawReading => {
    if (t.type === 'redis') {
      const target = world.services.find((s) => queueListName(s.cfg.name) === t.listName);
      // A missing key reads 0 (LLEN of nothing).
      return { ok: true, value: target ? target.queue.length : 0 };
    }
    const m = PROMETHEUS_QUERY.exec(t.query);
    if (!m) throw new InvariantError(`unchecked Prometheus query ${t.query}`);
    return { ok: true, value: promInstantQuery(world, svc, m[1] as PromAggregation, m[2] as PodGauge) };
  });
}

function logPoll(
  world: World,
  svc: ServiceState,
  before: KedaState,
  d: KedaDecision & { loop: 'poll' },
): void {
  const triggers = d.triggers
    .map((t) =>
      t.error !== null
        ? `${t.metricName}: error: ${t.error}`
        : `${t.metricName} = ${round(t.value)}${t.fallback ? ' (fallback)' : ''}`,
    )
    .join(', ');
  if (before.active !== d.isActive)
    world.emit(
      svc,
      d.isActive ? 'keda-active' : 'keda-inactive',
      `ScaledObject ${d.isActive ? 'active' : 'inactive'}: ${triggers}`,
    );
  const erring =
    d.reason === 'TriggerError' || d.reason === 'PartialTriggerError' || d.reason === 'FallbackHolds';
  if (erring && before.reason !== d.reason)
    world.emit(svc, 'keda-error', `${d.reason}: ${d.message}: ${triggers}`);
  if (d.scaled) world.emit(svc, 'keda-scale', `${d.reason}: ${d.message}`);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
