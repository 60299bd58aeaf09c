/**
 * The one path from a file to a runnable scenario, shared by the CLI and the library:
 *   read (size, encoding) -> parse YAML/JSON with positions -> schema check -> resolve and check
 * Each stage returns every problem it finds; a later stage runs only when the earlier ones found none.
 */
import { basename } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { resolveScenario } from './resolve.js';
import type { ScenarioFileSpec } from './schema.js';
import { readScenarioFile } from './source.js';
import type { Scenario } from './types.js';
import { schemaIssues } from './validate.js';

export function checkScenarioFile(
  file: string,
): { ok: true; scenario: Scenario } | { ok: false; issues: ConfigIssue[] } {
  const read = readScenarioFile(file);
  if (!read.ok) return read;
  const issues = schemaIssues(read.source, read.value);
  if (issues.length > 0) return { ok: false, issues };
  const r = resolveScenario(read.value as ScenarioFileSpec, read.source, file);
  if (r.ok && read.input)
    r.scenario.inputFiles.unshift({ field: '(scenario)', file: basename(file), ...read.input });
  return r;
}

/** Every problem in the scenario file, each as `file:line:col field: message`; empty when valid. */
export function validateScenario(file: string): ConfigIssue[] {
  const r = checkScenarioFile(file);
  return r.ok ? [] : r.issues;
}

/** Loads, validates and resolves a scenario file; throws ConfigError listing every problem. */
export function loadScenario(file: string): Scenario {
  const r = checkScenarioFile(file);
  if (!r.ok) throw new ConfigError(r.issues);
  return r.scenario;
}
