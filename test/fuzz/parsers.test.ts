/**
 * A slice of the parser fuzzing `npm run soak` does at length (test/fuzz/fuzz.ts): mutated and
 * random scenario and tune-space files never make the loaders throw, and every refusal is placed.
 * Accepted scenario mutants that are small enough also simulate for a few seconds without throwing.
 * Findings are printed with the input, to be turned into a fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { fuzz, readCorpus, type FuzzStats, type Verdict } from './fuzz.js';
import { checkScenarioFile, loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/model/simulate.js';
import { estimateRun } from '../../src/model/budget.js';
import { readSpaceFile, resolveSpace } from '../../src/tune/space.js';
import type { Json } from '../../src/tune/hpa-manifest.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CASES = Number(process.env.INFERSCALE_FUZZ_CASES ?? 600);

export function scenarioCorpus(): string[] {
  const yamlFiles = readdirSync(join(ROOT, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(ROOT, 'scenarios', f));
  const texts = readCorpus(yamlFiles);
  // The same scenarios as JSON, so JSON's syntax is fuzzed too.
  return [...texts, ...texts.slice(0, 3).map((t) => JSON.stringify(parse(t), null, 2))];
}

export function fuzzScenarios(cases: number, seed: string): FuzzStats {
  return fuzz({
    corpus: scenarioCorpus(),
    cases,
    seed,
    parse: (file): Verdict => {
      const r = checkScenarioFile(file);
      return r.ok ? { kind: 'ok' } : { kind: 'refused', issues: r.issues };
    },
    accepted: (file) => {
      const scenario = loadScenario(file);
      const durationUs = Math.min(scenario.durationUs, 5e6);
      if (estimateRun(scenario, durationUs).events < 2e5) simulate(scenario, { durationUs });
    },
  });
}

export function fuzzSpaces(cases: number, seed: string): FuzzStats {
  const scenarioFile = join(ROOT, 'scenarios/seed-hpa-scale-ratio.yaml');
  const scenario = loadScenario(scenarioFile);
  const scenarioValue = parse(readCorpus([scenarioFile])[0]) as Json;
  const corpus = readCorpus(
    readdirSync(join(ROOT, 'test/fixtures/tune')).map((f) => join(ROOT, 'test/fixtures/tune', f)),
  );
  return fuzz({
    corpus,
    cases,
    seed,
    parse: (file): Verdict => {
      const read = readSpaceFile(file);
      if (!read.ok) return { kind: 'refused', issues: read.issues };
      const r = resolveSpace(read.source, read.value, scenario, scenarioValue);
      return r.ok ? { kind: 'ok' } : { kind: 'refused', issues: r.issues };
    },
  });
}

function report(stats: FuzzStats): string {
  return stats.findings
    .slice(0, 3)
    .map((f) => `case ${f.case}: ${f.why}\n--- input ---\n${f.input.toString('utf8').slice(0, 2000)}`)
    .join('\n\n');
}

test('fuzzed scenario files: never a throw, every refusal placed', () => {
  const stats = fuzzScenarios(CASES, 'scenarios-slice');
  assert.equal(stats.findings.length, 0, report(stats));
  assert.equal(stats.cases, CASES);
  // The mutations must reach past the YAML parser: some mutants stay valid, most are refused.
  assert.ok(stats.accepted > CASES / 50, `only ${stats.accepted} accepted`);
  assert.ok(stats.refused > CASES / 2, `only ${stats.refused} refused`);
});

test('fuzzed tune space files: never a throw, every refusal placed', () => {
  const stats = fuzzSpaces(Math.round(CASES / 3), 'spaces-slice');
  assert.equal(stats.findings.length, 0, report(stats));
  assert.ok(stats.accepted > 0 && stats.refused > stats.cases / 2);
});
