/** The public library API: the same path the CLI takes. */
export { loadScenario, validateScenario, checkScenarioFile } from './scenario/load.js';
export { simulate } from './model/simulate.js';
export type {
  RunResult,
  RunSink,
  RunEvent,
  ServiceSummary,
  FrameKpis,
  SimulateOptions,
  TimeseriesRow,
  NodeRow,
} from './model/simulate.js';
export type { LoadStepRecovery } from './model/recovery.js';
export type { Scenario } from './scenario/types.js';
export { AUTOSCALERS, AUTOSCALER_NAMES } from './autoscale/registry.js';
export type { AutoscalerName } from './autoscale/registry.js';
export type { Decision, Policy } from './autoscale/policy.js';
export { ConfigError, DataError, InvariantError, InferscaleError, formatIssue } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export { writeRunReport } from './report/write.js';
