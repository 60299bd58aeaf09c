/**
 * The scenario and tune-space fuzz targets (test/fuzz/fuzz.ts's loop over the shipped scenarios and
 * the tune fixtures): parsers.test.ts runs a slice, `npm run soak` runs them at length. Accepted
 * scenario mutants that are small enough also simulate for a few seconds without throwing.
 */
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
