/** The columns of the run's CSV files, shared by the writer and the reader. */
export const TIMESERIES_COLUMNS = [
  'time_s',
  'service',
  'replicas',
  'ready_replicas',
  'queue_length',
  'offered_fps',
  'infer_fps',
  'drop_fps',
  'scale_ratio',
  'cpu_utilization',
  'latency_p50_s',
  'latency_p95_s',
  'latency_p99_s',
  'desired_replicas',
  'hpa_metric',
  'hpa_target',
] as const;

/** nodes.csv: one row per step and node pool. */
export const NODE_COLUMNS = [
  'time_s',
  'pool',
  'nodes',
  'cpu_cores',
  'cpu_requested_cores',
  'cpu_used_cores',
  'cpu_utilization',
] as const;

export const EVENT_COLUMNS = ['time_s', 'service', 'event', 'detail'] as const;
