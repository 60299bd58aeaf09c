/** Validation against the Vega-Lite JSON Schema shipped with the installed vega-lite. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

let validator: ValidateFunction | null = null;

/** Errors of `spec` against the schema; empty when it is valid. */
export function vegaLiteSchemaErrors(spec: unknown): string[] {
  if (!validator) {
    const path = createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json');
    const schema = JSON.parse(readFileSync(path, 'utf8'));
    // The schema is draft-07 (ajv's default). It uses formats ajv does not know (color-hex) and
    // keywords strict mode rejects; neither changes what a spec may contain.
    validator = new Ajv({ strict: false, allErrors: false, validateFormats: false }).compile(schema);
  }
  return validator(spec) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
