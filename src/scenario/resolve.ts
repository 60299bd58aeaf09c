/**
 * From a structurally valid scenario file to the resolved `Scenario`:
 *   1. fill defaults (the seed system's, reference/seed/original-system.md)
 *   2. check references (stream -> service -> model -> CPU type, service -> node pool)
 *   3. check what the schema cannot (uniform min <= max, one schedule form, jitter < period / 2, ...)
 *   4. read the data files a scenario names (traces, empirical values), relative to the scenario
 * Every problem is collected with its position; nothing is thrown for bad input.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath, basename, extname } from 'node:path';
import type { ConfigIssue } from '../errors.js';
import { BUILTIN_CPU_CATALOG, type CpuTypeEntry, type IsaFlag } from '../model/catalog.js';
import { parseDurationUs } from './duration.js';
import type {
  DistributionSpec,
  DurationSpec,
  ScenarioFileSpec,
  ServiceSpec,
  StreamGroupSpec,
} from './schema.js';
import { fieldColumn, type PathSegment, type ScenarioSource } from './source.js';
import { defaultFluidTickUs, type FluidEngineConfig } from './types.js';
import { quantityMilli, resolveAutoscaling, type Fail } from './hpa-resolve.js';
import { DeploymentManifest, HpaManifest } from './k8s-schema.js';
import { ScaledObjectManifest } from './keda-schema.js';
import { AUTOSCALER_NAMES } from '../autoscale/registry.js';
import { resolveKeda, scaledObjectInput, type ScaledObjectInput } from './keda-resolve.js';
import { resolveKpa, type KpaSettingsSpec } from './kpa-resolve.js';
import { KnativeConfigAutoscaler, KnativeServiceManifest, kpaFromKnative } from './knative.js';
import { meanStartSeconds } from '../autoscale/oracle/plan.js';
import { resolvePredictive } from './forecast-resolve.js';
import { fieldName, fileDigest, readManifestFile } from './source.js';
import { schemaIssues, unknownKeysOfAny } from './validate.js';
import type { Static, TSchema } from '@sinclair/typebox';
import type {
  CountSchedule,
  Dist,
  InputFile,
  ModelConfig,
  NodePoolConfig,
  Scenario,
  AutoscalerConfig,
  ServiceConfig,
  StreamGroupConfig,
} from './types.js';

/** The objects a service's `manifests` file may hold, by their kind. */
const MANIFEST_SCHEMAS: Readonly<Record<string, TSchema>> = {
  Deployment: DeploymentManifest,
  HorizontalPodAutoscaler: HpaManifest,
  ScaledObject: ScaledObjectManifest,
  Service: KnativeServiceManifest,
  ConfigMap: KnativeConfigAutoscaler,
};

export const DEFAULTS = {
  seed: 1,
  durationUs: 600e6,
  stepUs: 1e6,
  queueCapacity: 32,
  pollIntervalUs: 50e3,
  reportIntervalUs: 10e6,
  idleReportPolls: 600,
  fileFps: 25,
  cameraFps: 15,
  sinePeriodUs: 86_400e6,
  sineResolutionUs: 60e6,
} as const;

const MAX_TRACE_ROWS = 1_000_000;

class Resolver {
  readonly issues: ConfigIssue[] = [];
  readonly baseDir: string;
  /** The data and manifest files read, in order (a file named twice is listed once per field). */
  readonly inputs: InputFile[] = [];

  constructor(
    private readonly source: ScenarioSource,
    file: string,
  ) {
    this.baseDir = dirname(resolvePath(file));
  }

  fail(path: PathSegment[], message: string, atKey = false): void {
    this.issues.push(this.source.issue(path, message, atKey));
  }

  /**
   * The service's Deployment and HPA objects, inline or from its `manifests` file, each with a
   * `fail` that reports in the file and at the position it came from.
   */
  manifestObjects(path: PathSegment[], s: ServiceSpec): ManifestObjects {
    const out: ManifestObjects = {
      deployment: s.deployment
        ? { value: s.deployment, fail: (p, m, k) => this.fail([...path, 'deployment', ...p], m, k) }
        : null,
      hpa: s.hpa ? { value: s.hpa, fail: (p, m, k) => this.fail([...path, 'hpa', ...p], m, k) } : null,
      scaledObject: null,
      knativeService: null,
      knativeConfig: null,
    };
    if (s.manifests === undefined) return out;
    const read = readManifestFile(resolvePath(this.baseDir, s.manifests));
    if (!read.ok) {
      this.issues.push(...read.issues);
      return out;
    }
    this.inputs.push({ field: fieldName([...path, 'manifests']), file: s.manifests, ...read.input });
    for (const d of read.docs) {
      const fail: Fail = (p, m, k) => this.issues.push(d.source.issue(p, m, k));
      const kind = (d.value as { kind?: unknown }).kind;
      const schema =
        typeof kind === 'string' && Object.hasOwn(MANIFEST_SCHEMAS, kind) ? MANIFEST_SCHEMAS[kind] : null;
      if (!schema) {
        fail(
          ['kind'],
          `inferscale reads Deployment, HorizontalPodAutoscaler, ScaledObject, (Knative) Service and config-autoscaler ConfigMap objects, not ${JSON.stringify(kind ?? null)}`,
        );
        // With no kind to check the object against, a key that no kind takes (a misspelt `kind`
        // among them) is still named; inside its spec only when it has no kind at all, since the
        // spec of a kind inferscale does not read (an Ingress) is not ours to judge.
        this.issues.push(
          ...unknownKeysOfAny(d.source, Object.values(MANIFEST_SCHEMAS), d.value, {
            deep: kind === undefined || kind === null,
          }),
        );
        continue;
      }
      const issues = schemaIssues(d.source, d.value, schema);
      if (issues.length > 0) {
        this.issues.push(...issues);
        continue;
      }
      if (kind === 'Service' || kind === 'ConfigMap') {
        const slot = kind === 'Service' ? 'knativeService' : 'knativeConfig';
        if (out[slot]) fail([], `this service already has a Knative ${kind}; give one`);
        else if (s.kpa)
          fail([], 'this service already has its Knative Pod Autoscaler inline, under kpa; give one');
        else out[slot] = { value: d.value as Record<string, unknown>, fail };
        continue;
      }
      const slot = kind === 'Deployment' ? 'deployment' : kind === 'ScaledObject' ? 'scaledObject' : 'hpa';
      const inline = slot === 'scaledObject' ? 'keda' : slot;
      if (out[slot] || (slot === 'scaledObject' && s.keda)) {
        fail(
          [],
          `this service already has a ${kind}${s[inline] ? ` (inline, under ${inline})` : ''}; give one`,
        );
        continue;
      }
      if (slot === 'deployment') out.deployment = { value: d.value as DeploymentSpec, fail };
      else if (slot === 'hpa') out.hpa = { value: d.value as HpaObjectSpec, fail };
      else out.scaledObject = { value: d.value as ScaledObjectSpec, fail };
    }
    return out;
  }

  us(spec: DurationSpec): number {
    return parseDurationUs(spec);
  }

  seconds(spec: DurationSpec): number {
    return parseDurationUs(spec) / 1e6;
  }

  dist(spec: DistributionSpec, path: PathSegment[]): Dist {
    if (typeof spec === 'number' || typeof spec === 'string')
      return { type: 'constant', value: this.seconds(spec) };
    switch (spec.type) {
      case 'constant':
        return { type: 'constant', value: this.seconds(spec.value) };
      case 'uniform': {
        const min = this.seconds(spec.min);
        const max = this.seconds(spec.max);
        if (min > max) this.fail([...path, 'min'], `must not exceed max (${min}s > ${max}s)`);
        return { type: 'uniform', min, max };
      }
      case 'exponential':
        return { type: 'exponential', mean: this.seconds(spec.mean) };
      case 'normal':
        return { type: 'normal', mean: this.seconds(spec.mean), sd: this.seconds(spec.sd) };
      case 'lognormal': {
        const mean = this.seconds(spec.mean);
        if (mean === 0 && spec.cv > 0) this.fail([...path, 'mean'], 'must be greater than 0 when cv > 0');
        return { type: 'lognormal', mean, cv: spec.cv };
      }
      case 'empirical': {
        if ((spec.values === undefined) === (spec.file === undefined)) {
          this.fail(path, 'give exactly one of values or file');
          return { type: 'empirical', values: [0] };
        }
        if (spec.values) return { type: 'empirical', values: spec.values.map((v) => this.seconds(v)) };
        return { type: 'empirical', values: this.readValues(spec.file!, [...path, 'file']) };
      }
    }
  }

  private readData(file: string, path: PathSegment[]): { text: string; full: string } | null {
    const full = resolvePath(this.baseDir, file);
    try {
      const bytes = readFileSync(full);
      this.inputs.push({ field: fieldName(path), file, ...fileDigest(bytes) });
      return { text: bytes.toString('utf8'), full };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.fail(
        path,
        `cannot read ${full}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`,
      );
      return null;
    }
  }

  private readValues(file: string, path: PathSegment[]): number[] {
    const data = this.readData(file, path);
    if (!data) return [0];
    const values: number[] = [];
    const lines = data.text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      if (t === '' || t.startsWith('#')) continue;
      const v = Number(t);
      if (!Number.isFinite(v) || v < 0) {
        this.fail(
          path,
          `${data.full}:${i + 1}:${lines[i].indexOf(t) + 1}: ${JSON.stringify(t)} is not a non-negative number of seconds`,
        );
        return [0];
      }
      values.push(v);
    }
    if (values.length === 0) this.fail(path, `${data.full} holds no values`);
    return values.length ? values : [0];
  }

  /**
   * An arrival trace: one frame per row, the time in its first column (seconds, Unix or relative,
   * or RFC 3339); times must not decrease. Returns µs from `start` (default: the first time rounded
   * down to a whole second), rows before it left out.
   */
  readArrivalTrace(file: string, start: number | undefined, path: PathSegment[]): number[] {
    const data = this.readData(file, path);
    if (!data) return [];
    const out: number[] = [];
    const lines = data.text.split(/\r?\n/);
    const first = firstDataLine(lines);
    let originUs: number | null = start !== undefined ? Math.round(start * 1e6) : null;
    let prev = -Infinity;
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      if (t === '' || t.startsWith('#')) continue;
      const cell = t
        .split(',')[0]
        .trim()
        .replace(/^"(.*)"$/, '$1');
      const numeric = /^[0-9]+(\.[0-9]+)?$/.test(cell);
      if (i === first && !numeric && Number.isNaN(Date.parse(cell))) continue; // header
      const col = lines[i].indexOf(cell) + 1;
      const seconds = numeric ? Number(cell) : /^\d{4}-\d\d-\d\dT/.test(cell) ? Date.parse(cell) / 1000 : NaN;
      if (!Number.isFinite(seconds)) {
        this.fail(
          path,
          `${data.full}:${i + 1}:${col}: ${JSON.stringify(cell)} is not a time (seconds or RFC 3339)`,
        );
        return [];
      }
      const us = Math.round(seconds * 1e6);
      if (us < prev) {
        this.fail(
          path,
          `${data.full}:${i + 1}:${col}: times must not decrease (${cell} after ${prev / 1e6})`,
        );
        return [];
      }
      prev = us;
      originUs ??= Math.floor(us / 1e6) * 1e6;
      if (us < originUs) continue;
      out.push(us - originUs);
      if (out.length > 50_000_000) {
        this.fail(path, `${data.full}: more than 50000000 frames`);
        return [];
      }
    }
    if (out.length === 0) this.fail(path, `${data.full} holds no arrival at or after the start`);
    return out;
  }

  readTrace(file: string, path: PathSegment[]): { atUs: number; count: number }[] {
    const data = this.readData(file, path);
    if (!data) return [{ atUs: 0, count: 0 }];
    const out: { atUs: number; count: number }[] = [];
    const lines = data.text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      if (t === '' || t.startsWith('#')) continue;
      const cells = t.split(',').map((c) => c.trim());
      if (out.length === 0 && i === firstDataLine(lines) && !/^[0-9.]/.test(cells[0])) continue; // header
      // file:line:column of field `c` of this line.
      const where = (c: number) => `${data.full}:${i + 1}:${fieldColumn(lines[i], c)}`;
      if (cells.length !== 2) {
        this.fail(path, `${where(0)}: expected 2 columns (time_s,count), found ${cells.length}`);
        break;
      }
      const time = Number(cells[0]);
      const count = Number(cells[1]);
      if (!Number.isFinite(time) || time < 0) {
        this.fail(path, `${where(0)}: time_s ${JSON.stringify(cells[0])} is not a non-negative number`);
        break;
      }
      if (!Number.isInteger(count) || count < 0 || count > 1_000_000) {
        this.fail(path, `${where(1)}: count ${JSON.stringify(cells[1])} is not an integer in [0, 1000000]`);
        break;
      }
      const atUs = Math.round(time * 1e6);
      if (out.length > 0 && atUs <= out[out.length - 1].atUs) {
        this.fail(path, `${where(0)}: times must increase (${time} after ${out[out.length - 1].atUs / 1e6})`);
        break;
      }
      out.push({ atUs, count });
      if (out.length > MAX_TRACE_ROWS) {
        this.fail(path, `${data.full}: more than ${MAX_TRACE_ROWS} rows`);
        break;
      }
    }
    if (out.length === 0) {
      this.fail(path, `${data.full} holds no rows (time_s,count)`);
      return [{ atUs: 0, count: 0 }];
    }
    if (out[0].atUs > 0) out.unshift({ atUs: 0, count: 0 });
    return out;
  }
}

/** Frames per whole second of an arrival trace, as count changes (fps 1): what load-steps and plan read. */
function perSecondCounts(timesUs: number[]): { atUs: number; count: number }[] {
  const changes: { atUs: number; count: number }[] = [{ atUs: 0, count: 0 }];
  let k = 0;
  while (k < timesUs.length) {
    const second = Math.floor(timesUs[k] / 1e6);
    let n = 0;
    while (k < timesUs.length && Math.floor(timesUs[k] / 1e6) === second) (n++, k++);
    changes.push({ atUs: second * 1e6, count: n });
    if (k === timesUs.length || Math.floor(timesUs[k] / 1e6) !== second + 1)
      changes.push({ atUs: (second + 1) * 1e6, count: 0 });
  }
  return mergeChanges(changes);
}

function firstDataLine(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

/** Resolves a structurally valid scenario file; returns the scenario or every problem found. */
export function resolveScenario(
  spec: ScenarioFileSpec,
  source: ScenarioSource,
  file: string,
): { ok: true; scenario: Scenario } | { ok: false; issues: ConfigIssue[] } {
  const r = new Resolver(source, file);

  // 1. Top level.
  const durationUs = spec.duration !== undefined ? r.us(spec.duration) : DEFAULTS.durationUs;
  const stepUs = spec.step !== undefined ? r.us(spec.step) : DEFAULTS.stepUs;
  if (durationUs < 1000) r.fail(['duration'], 'must be at least 1ms');
  if (stepUs < 1000) r.fail(['step'], 'must be at least 1ms');
  else if (stepUs > durationUs && durationUs >= 1000) r.fail(['step'], 'must not exceed duration');
  let engine: FluidEngineConfig | undefined;
  if (spec.engine?.kind === 'fluid') {
    const tickUs = spec.engine.tick !== undefined ? r.us(spec.engine.tick) : defaultFluidTickUs(stepUs);
    if (tickUs < 1000) r.fail(['engine', 'tick'], 'must be at least 1ms');
    else if (tickUs > stepUs && stepUs >= 1000) r.fail(['engine', 'tick'], 'must not exceed step');
    engine = {
      kind: 'fluid',
      tickUs,
      ...(spec.engine.tick !== undefined ? { tickGiven: true as const } : {}),
    };
  } else if (spec.engine?.tick !== undefined) {
    r.fail(['engine', 'tick'], 'is for the fluid engine only (kind: fluid)');
  }

  // 2. CPU catalog: built-in entries, then the scenario's additions and overrides.
  const cpuCatalog: Record<string, CpuTypeEntry> = {};
  for (const [id, e] of BUILTIN_CPU_CATALOG) cpuCatalog[id] = e;
  for (const [id, e] of Object.entries(spec.cpuCatalog ?? {})) {
    cpuCatalog[id] = {
      id,
      description: e.description ?? '',
      isa: [...e.isa] as IsaFlag[],
      gflopsPerCore: { fp32: e.gflopsPerCore.fp32, int8: e.gflopsPerCore.int8 },
      source: e.source ?? 'scenario',
    };
  }
  const cpuIds = Object.keys(cpuCatalog);

  // 3. Node pools.
  const nodePools: NodePoolConfig[] = [];
  for (const [name, p] of Object.entries(spec.nodePools)) {
    if (!cpuCatalog[p.cpuType]) {
      r.fail(
        ['nodePools', name, 'cpuType'],
        `unknown CPU type ${JSON.stringify(p.cpuType)}; known: ${cpuIds.join(', ')}`,
      );
    }
    nodePools.push({
      name,
      count: p.count ?? 1,
      cores: p.cores,
      memoryGiB: p.memoryGiB ?? null,
      cpuType: p.cpuType,
      pricePerHour: p.pricePerHour ?? 0,
      backgroundCores: p.backgroundCores ?? 0,
      labels: { ...(p.labels ?? {}), 'inferscale.io/pool': name },
    });
  }
  if (nodePools.length === 0) r.fail(['nodePools'], 'needs at least one node pool');
  else if (nodePools.every((p) => p.count === 0))
    r.fail(['nodePools'], 'every pool has count 0: no node to run on');

  // 4. Models.
  const models: Record<string, ModelConfig> = {};
  for (const [name, m] of Object.entries(spec.models)) {
    const path = ['models', name];
    for (const cpu of Object.keys(m.measuredFps ?? {})) {
      if (!cpuCatalog[cpu])
        r.fail([...path, 'measuredFps', cpu], `unknown CPU type ${JSON.stringify(cpu)}`, true);
    }
    if (m.gflops === undefined && m.serviceTime === undefined) r.fail(path, 'needs gflops or serviceTime');
    models[name] = {
      name,
      gflops: m.gflops ?? 0,
      precision: m.precision ?? 'fp32',
      overheadSeconds: m.overhead !== undefined ? r.seconds(m.overhead) : 0,
      classFactor: m.classFactor ?? 1,
      measuredFps: { ...(m.measuredFps ?? {}) },
      serviceTime: m.serviceTime !== undefined ? r.dist(m.serviceTime, [...path, 'serviceTime']) : null,
    };
  }

  // 5. Services (one per inference type), with their autoscalers.
  const ctl = spec.controller ?? {};
  const scaleToZero = ctl.featureGates?.HPAScaleToZero ?? false;
  const services: ServiceConfig[] = [];
  for (const [name, s] of Object.entries(spec.services)) {
    const path = ['services', name];
    const model = models[s.model];
    if (!model)
      r.fail(
        [...path, 'model'],
        `unknown model ${JSON.stringify(s.model)}; known: ${Object.keys(models).join(', ') || '(none)'}`,
      );
    if (s.nodePool !== undefined && !spec.nodePools[s.nodePool]) {
      r.fail(
        [...path, 'nodePool'],
        `unknown node pool ${JSON.stringify(s.nodePool)}; known: ${Object.keys(spec.nodePools).join(', ')}`,
      );
    }
    const issuesBefore = r.issues.length; // a later check need not repeat what these already said
    const objects = r.manifestObjects(path, s);
    const dep = objects.deployment ? resolveDeployment(r, path, s, objects.deployment) : null;
    const pollIntervalUs = s.pollInterval !== undefined ? r.us(s.pollInterval) : DEFAULTS.pollIntervalUs;
    if (pollIntervalUs < 1) r.fail([...path, 'pollInterval'], 'must be greater than 0');
    const reportIntervalUs =
      s.reportInterval !== undefined ? r.us(s.reportInterval) : DEFAULTS.reportIntervalUs;
    if (reportIntervalUs < 1000) r.fail([...path, 'reportInterval'], 'must be at least 1ms');
    const cpuRequest = dep?.cpuRequest ?? s.resources?.requests?.cpu ?? 0;
    const cpuLimit = dep ? dep.cpuLimit : (s.resources?.limits?.cpu ?? null);
    if (cpuLimit !== null && cpuRequest > cpuLimit) {
      r.fail(
        [...path, 'resources', 'requests', 'cpu'],
        `must not exceed limits.cpu (${cpuRequest} > ${cpuLimit})`,
      );
    }
    const scaleEvents = (s.scaleEvents ?? []).map((e, i) => ({ atUs: r.us(e.at), replicas: e.replicas, i }));
    for (let i = 1; i < scaleEvents.length; i++) {
      if (scaleEvents[i].atUs < scaleEvents[i - 1].atUs) {
        r.fail([...path, 'scaleEvents', i, 'at'], 'scale events must be in time order');
      }
    }
    services.push({
      name,
      model: s.model,
      precision: s.precision ?? model?.precision ?? 'fp32',
      queueCapacity: s.queue?.capacity ?? DEFAULTS.queueCapacity,
      dropPolicy: s.queue?.dropPolicy ?? 'trim-on-pop',
      replicas: dep?.replicas ?? s.replicas ?? 1,
      cpuRequest,
      cpuLimit,
      threads: s.threads ?? 1,
      batchSize: s.batchSize ?? 1,
      wakeup: s.wakeup ?? 'poll',
      pollIntervalUs,
      startupStages: (['imagePull', 'initWait', 'modelLoad'] as const)
        .filter((k) => s[k] !== undefined)
        .map((k) => ({ stage: k, dist: r.dist(s[k]!, [...path, k]) })),
      startupDelay:
        s.startupDelay !== undefined
          ? r.dist(s.startupDelay, [...path, 'startupDelay'])
          : { type: 'constant', value: 0 },
      reportIntervalUs,
      idleReportPolls: s.idleReportPolls ?? DEFAULTS.idleReportPolls,
      nodePool: s.nodePool ?? null,
      scaleEvents: scaleEvents.map(({ atUs, replicas }) => ({ atUs, replicas })),
      readinessProbe: dep
        ? dep.readinessProbe
        : s.readinessProbe
          ? {
              periodUs: (s.readinessProbe.periodSeconds ?? 10) * 1e6,
              initialDelayUs: (s.readinessProbe.initialDelaySeconds ?? 0) * 1e6,
            }
          : null,
      nodeSelector: {
        ...(dep?.nodeSelector ?? s.nodeSelector ?? {}),
        ...(s.nodePool !== undefined ? { 'inferscale.io/pool': s.nodePool } : {}),
      },
      hpaAppliedAtUs: s.hpaAppliedAt !== undefined ? r.us(s.hpaAppliedAt) : 0,
      containerName: dep?.containerName ?? name,
      hpa: resolveAutoscaling(
        (p, m, k) => r.fail(p, m, k),
        path,
        dep?.containerName ?? name,
        objects.hpa,
        s.autoscale,
        scaleToZero,
      ),
    });
    const hpaSpec = services[services.length - 1].hpa;
    const autoscaler = resolveOtherAutoscaler(
      r,
      path,
      name,
      s,
      objects,
      Object.keys(spec.services),
      services,
      spec.slo ?? {},
    );
    if (autoscaler) services[services.length - 1].autoscaler = autoscaler;
    const scaled = hpaSpec !== null || autoscaler !== null;
    if (!scaled && s.hpaAppliedAt !== undefined && issuesBefore === r.issues.length) {
      r.fail([...path, 'hpaAppliedAt'], 'there is no hpa, autoscale or other autoscaler to apply', true);
    }
    if (scaled && s.scaleEvents?.length) {
      r.fail(
        [...path, 'scaleEvents'],
        `a service with ${autoscaler ? `a ${autoscaler.policy} autoscaler` : 'an HPA'} is scaled by it; manual scale events would fight it`,
        true,
      );
    }
    if (
      hpaSpec &&
      s.replicas !== undefined &&
      (s.replicas < hpaSpec.minReplicas || s.replicas > hpaSpec.maxReplicas)
    ) {
      r.fail(
        [...path, 'replicas'],
        `must be within the HPA's [${hpaSpec.minReplicas}, ${hpaSpec.maxReplicas}]`,
      );
    }
    const depReplicas = dep?.replicas;
    if (hpaSpec && objects.deployment && depReplicas !== undefined) {
      if (depReplicas < hpaSpec.minReplicas || depReplicas > hpaSpec.maxReplicas) {
        objects.deployment.fail(
          ['spec', 'replicas'],
          `must be within the HPA's [${hpaSpec.minReplicas}, ${hpaSpec.maxReplicas}]`,
        );
      }
    }
  }
  if (services.length === 0) r.fail(['services'], 'needs at least one service');
  for (const svc of services) {
    if (svc.nodePool !== null && !spec.nodePools[svc.nodePool]) continue; // reported above
    const sel = Object.entries(svc.nodeSelector);
    if (sel.length > 0 && !nodePools.some((p) => sel.every(([k, v]) => p.labels[k] === v))) {
      r.fail(
        ['services', svc.name, 'nodeSelector'],
        `matches no node pool (labels: ${nodePools
          .map(
            (p) =>
              `${p.name} {${Object.entries(p.labels)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')}}`,
          )
          .join('; ')})`,
      );
    }
  }

  // 6. Stream groups.
  const streams: StreamGroupConfig[] = spec.streams.map((g, i) => resolveStreamGroup(r, g, i, spec));

  const mp = spec.metricsPipeline ?? {};
  for (const [k, v] of Object.entries(mp)) {
    if (v !== undefined && k !== 'metricsServerStart' && r.us(v) < 1e6) {
      r.fail(['metricsPipeline', k], 'must be at least 1s');
    }
  }
  if (ctl.syncPeriod !== undefined && r.us(ctl.syncPeriod) < 1e6)
    r.fail(['controller', 'syncPeriod'], 'must be at least 1s');
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  const name = spec.name ?? (basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, '-') || 'scenario');
  return {
    ok: true,
    scenario: {
      name,
      description: spec.description ?? '',
      sourceFile: file,
      inputFiles: r.inputs,
      seed: spec.seed ?? DEFAULTS.seed,
      durationUs,
      stepUs,
      cpuCatalog,
      nodePools,
      models,
      services,
      streams,
      slo: {
        maxDropPercent: spec.slo?.maxDropPercent ?? null,
        maxP95LatencySeconds: spec.slo?.maxP95LatencySeconds ?? null,
      },
      controller: {
        syncPeriodUs: ctl.syncPeriod !== undefined ? r.us(ctl.syncPeriod) : 15e6,
        tolerance: ctl.tolerance ?? 0.1,
        downscaleStabilizationUs:
          ctl.downscaleStabilization !== undefined ? r.us(ctl.downscaleStabilization) : 300e6,
        cpuInitializationPeriodUs:
          ctl.cpuInitializationPeriod !== undefined ? r.us(ctl.cpuInitializationPeriod) : 300e6,
        initialReadinessDelayUs:
          ctl.initialReadinessDelay !== undefined ? r.us(ctl.initialReadinessDelay) : 30e6,
        featureGates: {
          HPAConfigurableTolerance: ctl.featureGates?.HPAConfigurableTolerance ?? true,
          HPAScaleToZero: scaleToZero,
        },
      },
      pipeline: {
        metricsServerStartUs: mp.metricsServerStart !== undefined ? r.us(mp.metricsServerStart) : 0,
        metricsServerResolutionUs:
          mp.metricsServerResolution !== undefined ? r.us(mp.metricsServerResolution) : 15e6,
        prometheusScrapeIntervalUs:
          mp.prometheusScrapeInterval !== undefined ? r.us(mp.prometheusScrapeInterval) : 15e6,
        adapterRelistIntervalUs:
          mp.adapterRelistInterval !== undefined ? r.us(mp.adapterRelistInterval) : 60e6,
      },
      ...(engine ? { engine } : {}),
    },
  };
}

function resolveStreamGroup(
  r: Resolver,
  g: StreamGroupSpec,
  i: number,
  spec: ScenarioFileSpec,
): StreamGroupConfig {
  const path: PathSegment[] = ['streams', i];
  if (!spec.services[g.type]) {
    r.fail(
      [...path, 'type'],
      `unknown inference type ${JSON.stringify(g.type)}; services are: ${Object.keys(spec.services).join(', ') || '(none)'}`,
    );
  }
  const kind = g.kind ?? 'file';
  const fps = g.fps ?? (kind === 'camera' ? DEFAULTS.cameraFps : DEFAULTS.fileFps);
  const arrivals = g.arrivals ?? 'periodic';
  if (arrivals === 'periodic' && g.rate !== undefined)
    r.fail([...path, 'rate'], 'rate applies to arrivals: poisson; periodic streams use fps', true);
  if (arrivals === 'poisson') {
    if (g.jitter !== undefined) r.fail([...path, 'jitter'], 'jitter applies to periodic arrivals only', true);
    if (g.phase !== undefined) r.fail([...path, 'phase'], 'phase applies to periodic arrivals only', true);
  }
  const jitterUs = g.jitter !== undefined ? r.us(g.jitter) : 0;
  const periodUs = 1e6 / fps;
  if (jitterUs * 2 >= periodUs)
    r.fail(
      [...path, 'jitter'],
      `must be less than half the frame period (${(periodUs / 2e3).toFixed(3)}ms at ${fps} fps)`,
    );
  let phase: StreamGroupConfig['phase'] = { mode: 'random' };
  if (g.phase === 'spread') phase = { mode: 'spread' };
  else if (g.phase !== undefined && g.phase !== 'random') phase = { mode: 'fixed', offsetUs: r.us(g.phase) };

  const forms = (['schedule', 'sine', 'trace', 'arrivalTrace'] as const).filter((k) => g[k] !== undefined);
  if (forms.length > 1)
    r.fail(
      [...path, forms[1]],
      `give only one of schedule, sine, trace or arrivalTrace (found ${forms.join(' and ')})`,
      true,
    );
  if (g.arrivalTrace !== undefined) {
    for (const k of ['count', 'fps', 'arrivals', 'rate', 'jitter', 'phase', 'kind'] as const)
      if (g[k] !== undefined) r.fail([...path, k], `an arrivalTrace sets every arrival; remove ${k}`, true);
    const times = r.readArrivalTrace(g.arrivalTrace.file, g.arrivalTrace.start, [
      ...path,
      'arrivalTrace',
      'file',
    ]);
    return {
      name: g.name ?? `${g.type}#${i}`,
      type: g.type,
      kind: 'file',
      fps: 1,
      arrivals: 'trace',
      ratePerStream: 1,
      jitterUs: 0,
      phase: { mode: 'fixed', offsetUs: 0 },
      count: { kind: 'points', changes: perSecondCounts(times), ramps: [] },
      arrivalTimesUs: times,
    };
  }
  if (g.sine !== undefined && g.count !== undefined)
    r.fail([...path, 'count'], 'a sine schedule sets the count; remove count', true);
  if (g.trace !== undefined && g.count !== undefined)
    r.fail([...path, 'count'], 'a trace sets the count; remove count', true);

  let count: CountSchedule;
  if (g.sine) {
    const period = g.sine.period !== undefined ? r.us(g.sine.period) : DEFAULTS.sinePeriodUs;
    const resolution = g.sine.resolution !== undefined ? r.us(g.sine.resolution) : DEFAULTS.sineResolutionUs;
    if (period <= 0) r.fail([...path, 'sine', 'period'], 'must be greater than 0');
    if (resolution < 1000) r.fail([...path, 'sine', 'resolution'], 'must be at least 1ms');
    count = {
      kind: 'sine',
      mean: g.sine.mean,
      amplitude: g.sine.amplitude,
      periodUs: period,
      peakAtUs: g.sine.peakAt !== undefined ? r.us(g.sine.peakAt) : 0,
      resolutionUs: Math.max(1000, resolution),
    };
  } else if (g.trace !== undefined) {
    count = { kind: 'points', changes: r.readTrace(g.trace, [...path, 'trace']), ramps: [] };
  } else {
    const changes = [{ atUs: 0, count: g.count ?? 1 }];
    const ramps: { atUs: number; endUs: number; count: number }[] = [];
    let busyUntil = 0;
    (g.schedule ?? []).forEach((p, k) => {
      const atUs = r.us(p.at);
      if (atUs < busyUntil || (k > 0 && atUs <= r.us(g.schedule![k - 1].at))) {
        r.fail(
          [...path, 'schedule', k, 'at'],
          'schedule points must be in increasing time order and not inside the previous ramp',
        );
        return;
      }
      const from = changes[changes.length - 1].count;
      const rampUs = p.rampOver !== undefined ? r.us(p.rampOver) : 0;
      const steps = Math.abs(p.count - from);
      if (rampUs === 0 || steps === 0) {
        changes.push({ atUs, count: p.count });
      } else {
        const dir = Math.sign(p.count - from);
        for (let s = 1; s <= steps; s++)
          changes.push({ atUs: atUs + Math.round((rampUs * s) / steps), count: from + dir * s });
        ramps.push({ atUs, endUs: atUs + rampUs, count: p.count });
      }
      busyUntil = atUs + rampUs;
    });
    count = { kind: 'points', changes: mergeChanges(changes), ramps };
  }

  return {
    name: g.name ?? `${g.type}#${i}`,
    type: g.type,
    kind,
    fps,
    arrivals,
    ratePerStream: g.rate ?? fps,
    jitterUs,
    phase,
    count,
  };
}

type DeploymentSpec = Static<typeof DeploymentManifest>;
type HpaObjectSpec = Static<typeof HpaManifest>;
type ScaledObjectSpec = Static<typeof ScaledObjectManifest>;

interface ManifestObjects {
  deployment: { value: DeploymentSpec; fail: Fail } | null;
  hpa: { value: HpaObjectSpec; fail: Fail } | null;
  scaledObject: { value: ScaledObjectSpec; fail: Fail } | null;
  /** A Knative Service and config-autoscaler: the KPA's settings as annotations. */
  knativeService: { value: Record<string, unknown>; fail: Fail } | null;
  knativeConfig: { value: Record<string, unknown>; fail: Fail } | null;
}

/**
 * What inferscale takes from a Deployment: replicas, the one container's cpu requests and limits,
 * the nodeSelector and the readiness probe. The same settings given beside it are an error, so a
 * value never silently wins over another.
 */
function resolveDeployment(
  r: Resolver,
  path: PathSegment[],
  s: ServiceSpec,
  dep: { value: DeploymentSpec; fail: Fail },
) {
  for (const k of ['replicas', 'resources', 'nodeSelector', 'nodePool', 'readinessProbe'] as const) {
    if (s[k] !== undefined)
      r.fail([...path, k], `the service's Deployment sets this; give it in one place`, true);
  }
  const pod = dep.value.spec.template.spec;
  const cp: PathSegment[] = ['spec', 'template', 'spec', 'containers'];
  if (pod.containers.length !== 1) {
    dep.fail(cp, `inferscale models one inference container per pod; found ${pod.containers.length}`);
  }
  const c = pod.containers[0];
  const res = c.resources ?? {};
  for (const side of ['requests', 'limits'] as const) {
    if (res[side]?.memory !== undefined)
      dep.fail([...cp, 0, 'resources', side, 'memory'], 'memory is not simulated', true);
  }
  const cores = (q: number | string | undefined) => (q === undefined ? undefined : quantityMilli(q) / 1000);
  const cpuRequest = cores(res.requests?.cpu) ?? 0;
  const cpuLimit = cores(res.limits?.cpu) ?? null;
  const probe = c.readinessProbe;
  return {
    containerName: c.name,
    replicas: dep.value.spec.replicas,
    cpuRequest,
    cpuLimit,
    nodeSelector: pod.nodeSelector,
    readinessProbe: probe
      ? {
          periodUs: (probe.periodSeconds ?? 10) * 1e6,
          initialDelayUs: (probe.initialDelaySeconds ?? 0) * 1e6,
        }
      : null,
  };
}

/**
 * The service's autoscaler other than a plain HPA (autoscale/registry.ts): at most one of the
 * registry's scenario keys.
 */
function resolveOtherAutoscaler(
  r: Resolver,
  path: PathSegment[],
  service: string,
  s: ServiceSpec,
  objects: ManifestObjects,
  serviceNames: string[],
  services: ServiceConfig[],
  slo: { maxDropPercent?: number; maxP95LatencySeconds?: number },
): AutoscalerConfig | null {
  const given: { key: string; at: PathSegment[] }[] = [];
  if (objects.hpa) given.push({ key: 'hpa', at: s.hpa ? [...path, 'hpa'] : [...path, 'manifests'] });
  if (s.autoscale) given.push({ key: 'autoscale', at: [...path, 'autoscale'] });
  const so = objects.scaledObject;
  if (s.keda || so) given.push({ key: 'keda', at: s.keda ? [...path, 'keda'] : [...path, 'manifests'] });
  const ks = objects.knativeService;
  if (objects.knativeConfig && !ks)
    objects.knativeConfig.fail(
      [],
      'config-autoscaler is read with the Knative Service it configures: give that too',
    );
  if (s.kpa || ks) given.push({ key: 'kpa', at: s.kpa ? [...path, 'kpa'] : [...path, 'manifests'] });
  if (s.predictive) given.push({ key: 'predictive', at: [...path, 'predictive'] });
  if (s.oracle) given.push({ key: 'oracle', at: [...path, 'oracle'] });
  const hpas = given.filter((g) => g.key === 'hpa' || g.key === 'autoscale');
  const others = given.filter((g) => g.key !== 'hpa' && g.key !== 'autoscale');
  if (others.length === 0) return null;
  // predictive forecasts for the service's own HPA: it comes with one; the others stand alone.
  const predictive = others.length === 1 && others[0].key === 'predictive';
  if (predictive ? hpas.length === 0 : given.length > 1) {
    r.fail(
      others[others.length - 1].at,
      predictive
        ? 'predictive forecasts the metrics of the service’s HPA: give hpa or autoscale too'
        : `give one autoscaler (${AUTOSCALER_NAMES.join(', ')}; predictive with hpa or autoscale); found ${given.map((g) => g.key).join(' and ')}`,
      true,
    );
    return null;
  }
  const cfg = services[services.length - 1];
  if (s.predictive) {
    const predictive = resolvePredictive(s.predictive, cfg, (p, m) =>
      r.fail([...path, 'predictive', ...p], m),
    );
    return { policy: 'predictive', predictive };
  }
  if (s.oracle) {
    const o = s.oracle;
    if (slo.maxDropPercent === undefined && slo.maxP95LatencySeconds === undefined)
      r.fail(
        [...path, 'oracle'],
        'the oracle meets the scenario’s slo: give slo.maxDropPercent or slo.maxP95LatencySeconds',
        true,
      );
    const min = o.minReplicas ?? 0;
    const max = o.maxReplicas ?? 100;
    if (min > max)
      r.fail([...path, 'oracle', 'minReplicas'], `must not exceed maxReplicas (${min} > ${max})`);
    return {
      policy: 'oracle',
      oracle: {
        leadSeconds: o.lead !== undefined ? r.us(o.lead) / 1e6 : meanStartSeconds(cfg),
        minReplicas: min,
        maxReplicas: max,
      },
    };
  }
  if (s.kpa) {
    const kpa = resolveKpa(s.kpa, [...path, 'kpa'], s.replicas ?? 1, (p, m, k) => r.fail(p, m, k));
    return kpa ? { policy: 'kpa', kpa } : null;
  }
  if (ks) {
    // The same settings as annotations: checked where they are written, then resolved as kpa: is.
    const before = r.issues.length;
    const settings = kpaFromKnative(ks.value, objects.knativeConfig?.value ?? null, {
      service: ks.fail,
      configMap: objects.knativeConfig?.fail ?? null,
    });
    if (r.issues.length > before) return null;
    const kpa = resolveKpa(settings as KpaSettingsSpec, [...path, 'manifests'], s.replicas ?? 1, (p, m, k) =>
      r.fail(p.length > path.length + 1 ? [...path, 'manifests'] : p, m, k),
    );
    return kpa ? { policy: 'kpa', kpa } : null;
  }
  const input: ScaledObjectInput | null = s.keda
    ? {
        name: s.keda.name ?? null,
        annotations: s.keda.annotations ?? null,
        spec: s.keda,
        fail: (p, m, k) => r.fail([...path, 'keda', ...p], m, k),
        specPath: [],
        metadataPath: [],
      }
    : so
      ? scaledObjectInput(so.value, so.fail)
      : null;
  if (!input) return null;
  const keda = resolveKeda(input, service, serviceNames);
  return keda ? { policy: 'keda', keda } : null;
}

/** Keeps the last change at each time and drops changes that do not change the count. */
function mergeChanges(changes: { atUs: number; count: number }[]): { atUs: number; count: number }[] {
  const out: { atUs: number; count: number }[] = [];
  for (const c of changes) {
    if (out.length > 0 && out[out.length - 1].atUs === c.atUs) out[out.length - 1] = c;
    else out.push(c);
  }
  return out.filter((c, k) => k === 0 || c.count !== out[k - 1].count);
}
