/**
 * The small error hierarchy. Library code throws these; only src/cli/ turns them into messages
 * and exit codes (config and data errors: exit 2; invariant errors are bugs: exit 3).
 */
export class InferscaleError extends Error {
  override name = 'InferscaleError';
}

/** One problem in a scenario file, placed at file:line:col and named by its field path. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted field path such as `services.car-fp32.queue.capacity`, or `(file)` for the file itself. */
  field: string;
  message: string;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.field}: ${i.message}`;
}

/** The user's input is wrong; `issues` lists every problem found, each with its position. */
export class ConfigError extends InferscaleError {
  override name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** A data file (trace, recorded metrics) is unreadable or malformed. */
export class DataError extends InferscaleError {
  override name = 'DataError';
}

/** The simulation broke one of its own invariants: a bug in inferscale, never the user's fault. */
export class InvariantError extends InferscaleError {
  override name = 'InvariantError';
}
