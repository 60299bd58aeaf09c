/** Building blocks shared by the scenario schemas: strict objects and durations. */
import { Type, type ObjectOptions } from '@sinclair/typebox';

export const MAX_DURATION_S = 366 * 24 * 3600;
/** Marks the Duration schema, so validation recognises it even in the copies Type.Optional makes. */
export const DURATION_MARK = 'inferscale:duration';

/** A strict object: unknown keys are errors. */
export function Obj<T extends Parameters<typeof Type.Object>[0]>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const DURATION_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|m|h|d)\\s*$';

export const Duration = Type.Union(
  [Type.Number({ minimum: 0, maximum: MAX_DURATION_S }), Type.String({ pattern: DURATION_PATTERN })],
  {
    description: 'A duration: seconds as a number, or a string like 250ms, 90s, 5m, 1h, 1d (at most 366d).',
    $comment: DURATION_MARK,
  },
);
