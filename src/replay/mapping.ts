/**
 * The mapping file: which recorded series mean what. Every key is optional; the defaults read the
 * seed's metric names as `simulate --openmetrics` and a kube-prometheus cluster label them:
 *
 *   namespace: default               # only series with this namespace label (when they have one)
 *   deployment: 'ei-infer-{service}-app'   # a service's Deployment name ({service} is replaced)
 *   metrics:
 *     inferFps: ei_infer_fps          # per pod gauge (label pod), summed per service
 *     dropFps: ei_drop_fps
 *     scaleRatio: ei_scale_ratio
 *     replicas: kube_deployment_status_replicas   # per Deployment (label deployment)
 *     cpu: container_cpu_usage_seconds_total      # per pod counter (checked for resets)
 *   offered:
 *     from: pods                      # pods: infer + drop FPS summed over pods; streams; arrivals
 *     streamFps: 25                   # frames per second of one stream (the seed's file streams)
 *     reportWindow: 10s               # the pods' gauges are means over this window: the load is read this much later
 *     streams: ei_stream_count        # from: streams — a per-Deployment series of stream counts
 *     arrivals: { car: arrivals.csv } # from: arrivals — per service, a CSV of frame timestamps
 *   staleAfter: 30s                   # a sample older than this is no value (Prometheus' staleness)
 *
 * Problems come back as `file:line:col field: message` (exit 2).
 */
import { Type, type Static } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { parseDurationUs } from '../scenario/duration.js';
import { Duration, Obj } from '../scenario/schema-base.js';
import { fileDigest, readMappingFile, type PathSegment } from '../scenario/source.js';
import type { InputFile } from '../scenario/types.js';
import { schemaIssues } from '../scenario/validate.js';

const MetricName = Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' });

export const MappingFile = Obj({
  namespace: Type.Optional(Type.String()),
  deployment: Type.Optional(Type.String({ pattern: '\\{service\\}' })),
  metrics: Type.Optional(
    Obj({
      inferFps: Type.Optional(MetricName),
      dropFps: Type.Optional(MetricName),
      scaleRatio: Type.Optional(MetricName),
      replicas: Type.Optional(MetricName),
      cpu: Type.Optional(MetricName),
    }),
  ),
  offered: Type.Optional(
    Obj({
      from: Type.Optional(
        Type.Union([Type.Literal('pods'), Type.Literal('streams'), Type.Literal('arrivals')]),
      ),
      streamFps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
      reportWindow: Type.Optional(Duration),
      streams: Type.Optional(MetricName),
      arrivals: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
    }),
  ),
  staleAfter: Type.Optional(Duration),
});

export type MappingSpec = Static<typeof MappingFile>;

export interface Mapping {
  namespace: string | null;
  deployment: string;
  metrics: { inferFps: string; dropFps: string; scaleRatio: string; replicas: string; cpu: string };
  offered: {
    from: 'pods' | 'streams' | 'arrivals';
    streamFps: number;
    reportWindowS: number;
    streams: string;
    /** Service -> absolute path of its arrival CSV. */
    arrivals: Record<string, string>;
  };
  staleAfterS: number;
  /** The mapping file, or null for the defaults. */
  file: string | null;
  /**
   * The files read for the mapping, for the report: the mapping file (by its path as given) and,
   * with `from: arrivals`, each arrival CSV (by its path as the mapping gives it).
   */
  inputs: readonly InputFile[];
}

export const DEFAULT_MAPPING: Mapping = {
  namespace: 'default',
  deployment: 'ei-infer-{service}-app',
  metrics: {
    inferFps: 'ei_infer_fps',
    dropFps: 'ei_drop_fps',
    scaleRatio: 'ei_scale_ratio',
    replicas: 'kube_deployment_status_replicas',
    cpu: 'container_cpu_usage_seconds_total',
  },
  offered: { from: 'pods', streamFps: 25, reportWindowS: 10, streams: 'ei_stream_count', arrivals: {} },
  staleAfterS: 30,
  file: null,
  inputs: [],
};

/** The mapping in `file` over the defaults; throws ConfigError with every problem. */
export function readMapping(file: string, services: readonly string[]): Mapping {
  const read = readMappingFile(file, 'mapping', {
    empty: 'is empty; leave --mapping out for the defaults',
    notMapping: 'a mapping file is a mapping of keys (metrics, offered, namespace, ...)',
  });
  if (!read.ok) throw new ConfigError(read.issues);
  const structural = schemaIssues(read.source, read.value, MappingFile);
  if (structural.length > 0) throw new ConfigError(structural);
  const spec = read.value as MappingSpec;
  const issues: ConfigIssue[] = [];
  const fail = (path: PathSegment[], message: string) => issues.push(read.source.issue(path, message, true));
  const seconds = (d: string | number) => parseDurationUs(d) / 1e6;
  const d = DEFAULT_MAPPING;
  const base = dirname(resolve(file));
  const arrivals: Record<string, string> = {};
  for (const [svc, f] of Object.entries(spec.offered?.arrivals ?? {})) {
    if (!services.includes(svc))
      fail(['offered', 'arrivals', svc], `unknown service; the scenario's are: ${services.join(', ')}`);
    arrivals[svc] = resolve(base, f);
  }
  const from = spec.offered?.from ?? d.offered.from;
  const inputs: InputFile[] = read.input ? [{ field: '--mapping', file, ...read.input }] : [];
  if (from === 'arrivals') {
    const missing = services.filter((s) => arrivals[s] === undefined);
    if (missing.length > 0)
      fail(
        ['offered', 'from'],
        `from: arrivals needs offered.arrivals for every service (missing: ${missing.join(', ')})`,
      );
    for (const [svc, f] of Object.entries(spec.offered?.arrivals ?? {})) {
      if (!services.includes(svc)) continue;
      try {
        inputs.push({
          field: `offered.arrivals.${svc} (mapping)`,
          file: f,
          ...fileDigest(readFileSync(arrivals[svc])),
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        fail(
          ['offered', 'arrivals', svc],
          `cannot read ${f} (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
        );
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    namespace: spec.namespace ?? d.namespace,
    deployment: spec.deployment ?? d.deployment,
    metrics: { ...d.metrics, ...(spec.metrics ?? {}) },
    offered: {
      from,
      streamFps: spec.offered?.streamFps ?? d.offered.streamFps,
      reportWindowS:
        spec.offered?.reportWindow !== undefined
          ? seconds(spec.offered.reportWindow)
          : d.offered.reportWindowS,
      streams: spec.offered?.streams ?? d.offered.streams,
      arrivals,
    },
    staleAfterS: spec.staleAfter !== undefined ? seconds(spec.staleAfter) : d.staleAfterS,
    file: resolve(file),
    inputs,
  };
}

/** The service a Deployment name belongs to under the mapping's pattern, or null. */
export function serviceOfDeployment(
  mapping: Mapping,
  services: readonly string[],
  deployment: string,
): string | null {
  for (const s of services) if (mapping.deployment.replace('{service}', s) === deployment) return s;
  return null;
}
