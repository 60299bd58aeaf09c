/**
 * A slice of the parser fuzzing `npm run soak` does at length (test/fuzz/parsers.ts): mutated and
 * random scenario and tune-space files never make the loaders throw, and every refusal is placed.
 * Findings are printed with the input, to be turned into a fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzScenarios, fuzzSpaces } from './parsers.js';
import type { FuzzStats } from './fuzz.js';

export const CASES = Number(process.env.INFERSCALE_FUZZ_CASES ?? 600);

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
