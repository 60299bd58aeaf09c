import { ScenarioFile } from './schema.js';

/** The scenario format as JSON Schema (draft 2020-12), generated from the TypeBox types. */
export function scenarioJsonSchema(): object {
  // JSON round trip drops TypeBox's symbol-keyed metadata.
  const schema = JSON.parse(JSON.stringify(ScenarioFile)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
}
