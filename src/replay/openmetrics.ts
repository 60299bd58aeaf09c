/**
 * A simulated run's metrics as OpenMetrics text, the way a cluster's Prometheus would hold them:
 * the seed's per-pod gauges, kube-state-metrics' Deployment replicas and cAdvisor's CPU counter,
 * with Kubernetes-style labels, one sample per time-series step, timestamped from `startUnixS`.
 *
 *   rows and pod rows while simulating -> one temporary file per metric family (a family's samples
 *   must not interleave with another's) -> FILE: each family's TYPE/HELP and samples, `# EOF`
 *
 * `promtool tsdb create-blocks-from openmetrics FILE DIR` loads it (a test does, into a real
 * Prometheus, and `inferscale replay` reads it back).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PodRow, TimeseriesRow } from '../model/simulate.js';
import { num } from '../report/format.js';

/** 2026-01-01T00:00:00Z: the default time of a simulated run's start (the same bytes every run). */
export const DEFAULT_OPENMETRICS_START_S = 1767225600;

/** What the export names things (and what `replay`'s default mapping expects back). */
export const EXPORT_NAMES = {
  namespace: 'default',
  deployment: (service: string) => `ei-infer-${service}-app`,
  pod: (service: string, ordinal: number) => `ei-infer-${service}-app-${ordinal}`,
};

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
}

const FAMILIES: Family[] = [
  { name: 'ei_infer_fps', type: 'gauge', help: 'Frames inferred per second over the last report window.' },
  { name: 'ei_drop_fps', type: 'gauge', help: 'Frames dropped per second over the last report window.' },
  { name: 'ei_scale_ratio', type: 'gauge', help: '(infer+drop)/infer with drops, else infer/max infer.' },
  {
    name: 'kube_deployment_status_replicas',
    type: 'gauge',
    help: 'The Deployment pods that are not terminating.',
  },
  {
    name: 'kube_deployment_status_replicas_ready',
    type: 'gauge',
    help: 'The Deployment pods that are Ready.',
  },
  {
    name: 'kube_deployment_spec_replicas',
    type: 'gauge',
    help: 'The replicas the Deployment asks for (what the autoscaler set).',
  },
  {
    name: 'container_cpu_usage_seconds',
    type: 'counter',
    help: 'Cumulative CPU time the container used, in seconds.',
  },
];

/** A label value escaped as the text formats require. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class FamilyFile {
  private text = '';
  readonly fd: number;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  add(line: string): void {
    this.text += line;
    if (this.text.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.text.length > 0) writeSync(this.fd, this.text);
    this.text = '';
  }
}

export interface OpenMetricsWriterOptions {
  /** Unix seconds of simulated time 0. */
  startUnixS: number;
  namespace?: string;
  /** The pods' container name per service (default: the service's name). */
  containers?: Record<string, string>;
}

export class OpenMetricsWriter {
  private readonly files: Map<string, FamilyFile>;
  private readonly tag: string;
  private readonly namespace: string;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: OpenMetricsWriterOptions,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tag = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
    this.namespace = labelValue(options.namespace ?? EXPORT_NAMES.namespace);
    this.files = new Map(FAMILIES.map((f) => [f.name, new FamilyFile(`${this.tag}.${f.name}`)]));
  }

  private sample(family: string, name: string, labels: string, value: number, timeS: number): void {
    const t = num(this.options.startUnixS + timeS);
    this.files.get(family)!.add(`${name}{${labels}} ${num(value)} ${t}\n`);
  }

  row(r: TimeseriesRow): void {
    const labels = `namespace="${this.namespace}",deployment="${labelValue(EXPORT_NAMES.deployment(r.service))}"`;
    this.sample(
      'kube_deployment_status_replicas',
      'kube_deployment_status_replicas',
      labels,
      r.replicas,
      r.timeS,
    );
    this.sample(
      'kube_deployment_status_replicas_ready',
      'kube_deployment_status_replicas_ready',
      labels,
      r.readyReplicas,
      r.timeS,
    );
    this.sample(
      'kube_deployment_spec_replicas',
      'kube_deployment_spec_replicas',
      labels,
      r.desiredReplicas,
      r.timeS,
    );
  }

  pod(r: PodRow): void {
    const container = labelValue(this.options.containers?.[r.service] ?? r.service);
    const pod = labelValue(EXPORT_NAMES.pod(r.service, r.ordinal));
    const labels = `namespace="${this.namespace}",deployment="${labelValue(EXPORT_NAMES.deployment(r.service))}",pod="${pod}",container="${container}"`;
    this.sample('ei_infer_fps', 'ei_infer_fps', labels, r.inferFps, r.timeS);
    this.sample('ei_drop_fps', 'ei_drop_fps', labels, r.dropFps, r.timeS);
    this.sample('ei_scale_ratio', 'ei_scale_ratio', labels, r.scaleRatio, r.timeS);
    this.sample(
      'container_cpu_usage_seconds',
      'container_cpu_usage_seconds_total',
      `namespace="${this.namespace}",pod="${pod}",container="${container}"`,
      r.cpuSeconds,
      r.timeS,
    );
  }

  /** Joins the families into FILE (written beside it, then renamed into place). */
  finish(): void {
    const out = openSync(`${this.tag}.om`, 'w');
    try {
      for (const f of FAMILIES) {
        const file = this.files.get(f.name)!;
        file.flush();
        closeSync(file.fd);
        writeSync(out, `# TYPE ${f.name} ${f.type}\n# HELP ${f.name} ${f.help}\n`);
        writeSync(out, readFileSync(file.path));
      }
      writeSync(out, '# EOF\n');
    } finally {
      closeSync(out);
      this.closed = true;
      this.removeParts();
    }
    renameSync(`${this.tag}.om`, this.path);
  }

  /** Drops the temporary files (after a failure). */
  abort(): void {
    if (!this.closed) for (const f of this.files.values()) closeSync(f.fd);
    this.closed = true;
    this.removeParts();
    rmSync(`${this.tag}.om`, { force: true });
  }

  private removeParts(): void {
    for (const f of this.files.values()) rmSync(f.path, { force: true });
  }
}
