import { scenarioJsonSchema } from '../scenario/json-schema.js';

export function runSchema(): number {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
