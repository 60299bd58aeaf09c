/**
 * The Knative Pod Autoscaler inside the simulated cluster (reference/autoscalers/KPA.md). Every
 * second from its creation it scrapes the revision: the time-weighted mean of the frames in
 * flight (queued + in service: what queue-proxies and the activator would hold of a pull-based
 * service) over that second, or the frames offered in it (rps). The exact revision total is
 * recorded: with every pod counted there is nothing to extrapolate from a sample of pods. The
 * decider runs every 2 s; the reconciler's requeues are events of their own.
 */
import type { KpaDecision, KpaObservation, KpaSpec, KpaState } from '../../autoscale/kpa/types.js';
import { KPA_SCRAPE_S } from '../../autoscale/kpa/policy.js';
import type { Policy } from '../../autoscale/policy.js';
import { AUTOSCALERS } from '../../autoscale/registry.js';
import { InvariantError } from '../../errors.js';
import { Ev } from '../events.js';
import { Phase, touchInflight, type ServiceState, type World } from '../world.js';
import type { AutoscalerDriver } from '../autoscaling.js';

const SCRAPE = 0;
const REQUEUE = 1;

type KpaPolicy = Policy<KpaState, KpaObservation, KpaDecision>;

function specOf(svc: ServiceState): KpaSpec {
  const a = svc.cfg.autoscaler;
  if (a?.policy !== 'kpa') throw new InvariantError(`${svc.cfg.name} has no KPA`);
  return a.kpa;
}

export const kpaDriver: AutoscalerDriver = {
  start(world, svc) {
    const createdUs = svc.cfg.hpaAppliedAtUs;
    const policy = AUTOSCALERS.kpa.create(specOf(svc));
    svc.autoscaler = policy;
    svc.autoscalerState = policy.initialState(createdUs / 1e6);
    // The first scrape tick only marks where the metrics start.
    svc.scrapeMark = null;
    world.schedule(createdUs, Ev.AutoscalerTick, svc.index, SCRAPE);
  },
  tick(world, svc, loop) {
    const spec = specOf(svc);
    const policy = svc.autoscaler as KpaPolicy;
    const before = svc.autoscalerState as KpaState;
    const now = world.now;
    const readyPods = svc.pods.filter((p) => p.phase === Phase.Ready && now >= p.k8sReadyUs).length;
    let observation: KpaObservation;
    if (loop === SCRAPE) {
      touchInflight(svc, now);
      const mark = svc.scrapeMark;
      svc.scrapeMark = {
        atUs: now,
        areaUs: svc.inflightAreaUs,
        offered: svc.offered,
        ticks: mark ? mark.ticks + 1 : 0,
      };
      world.schedule(now + KPA_SCRAPE_S * 1e6, Ev.AutoscalerTick, svc.index, SCRAPE);
      if (!mark) return;
      const seconds = (now - mark.atUs) / 1e6;
      const value =
        spec.metric === 'rps'
          ? (svc.offered - mark.offered) / seconds
          : (svc.inflightAreaUs - mark.areaUs) / 1e6 / seconds;
      observation = {
        kind: 'scrape',
        value,
        deciderTick: svc.scrapeMark.ticks % 2 === 0,
        readyPods,
        currentReplicas: svc.desired,
      };
    } else {
      observation = { kind: 'requeue', readyPods, currentReplicas: svc.desired };
    }
    const d = policy.decide(before, observation, now / 1e6);
    svc.autoscalerState = d.nextState;
    const requeue = d.nextState.requeueAtS;
    if (requeue !== null && requeue !== before.requeueAtS) {
      world.schedule(Math.max(now, Math.round(requeue * 1e6)), Ev.AutoscalerTick, svc.index, REQUEUE);
    }
    if (d.decided && d.stableValue !== null) {
      svc.hpaMetricValue = d.stableValue / Math.max(1, readyPods);
      svc.hpaMetricTarget = d.targetPerPod;
    }
    log(world, svc, spec, d);
    if (d.scaled) {
      world.accountReplicas(svc);
      if (d.replicas !== svc.desired) svc.scaleEvents++;
      svc.desired = d.replicas;
      world.reconcile(svc);
    }
  },
};

function log(world: World, svc: ServiceState, spec: KpaSpec, d: KpaDecision): void {
  const unit = spec.metric === 'rps' ? 'rps' : 'concurrency';
  const seen =
    d.stableValue !== null
      ? `; ${unit} stable ${round(d.stableValue)} / panic ${round(d.panicValue!)} against ${round(d.targetPerPod)} per pod`
      : '';
  if (d.panicAfter && !d.panicBefore) world.emit(svc, 'kpa-panic', `entered panic mode${seen}`);
  if (!d.panicAfter && d.panicBefore) world.emit(svc, 'kpa-stable', `left panic mode${seen}`);
  const status = d.nextState.pa.status;
  if (status !== d.statusBefore)
    world.emit(svc, `kpa-${status.toLowerCase()}`, `PodAutoscaler ${d.statusBefore} -> ${status}`);
  if (d.scaled) world.emit(svc, 'kpa-scale', `${d.reason}: ${d.message}${seen}`);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
