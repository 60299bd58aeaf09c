/**
 * Property-based tests (fast-check) over generated scenarios:
 *
 *   random valid scenarios -> load, simulate: never throw; frames conserved per service and in
 *                             total; ready <= replicas; the autoscaler's desired count within its
 *                             min..max; the same seed gives the same rows and events; frames made on
 *                             demand give the run of one event per frame (world.ts)
 *   random mutations       -> a key renamed, a type changed, a number pushed out of range: always
 *                             refused with an issue at the mutated path, never a crash or a default
 *                             (a renamed key: named as an unknown key at its new name)
 *   union keys renamed     -> every key of every value a union checks (a distribution's `type`
 *                             among them), renamed in turn: named as an unknown key too
 *
 * Every case is written as a JSON file and read by the loader the CLI uses. Seeds are fixed
 * (FC_SEED), so a failure replays; `npm run soak` runs the same properties with many more cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { checkScenarioFile } from '../../src/scenario/load.js';
import { simulate, type RunEvent, type TimeseriesRow } from '../../src/model/simulate.js';
import { ScenarioFile } from '../../src/scenario/schema.js';
import type { ConfigIssue } from '../../src/errors.js';
import {
  scenarioArb,
  mutationArb,
  applyMutation,
  renameOf,
  unionKeyPaths,
  type Mutation,
  type Spec,
} from '../helpers/arbitraries.js';
import { recordAll } from '../helpers/scenario.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
/**
 * Cases per property in `npm test`; the soak script sets more. Every count handed to fast-check is
 * a whole number: with a fractional numRuns its run counter never equals the target and it runs on.
 */
const RUNS = Math.ceil(Number(process.env.INFERSCALE_PROPERTY_RUNS ?? 60));
if (!(RUNS >= 1))
  throw new Error(
    `INFERSCALE_PROPERTY_RUNS must be a number >= 1, not ${process.env.INFERSCALE_PROPERTY_RUNS}`,
  );
const SEED = Number(process.env.FC_SEED ?? 20261128);

const scratch = mkdtempSync(join(tmpdir(), 'inferscale-prop-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let fileNo = 0;

function writeSpec(spec: Spec): string {
  const file = join(scratch, `case-${fileNo++}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 1));
  return file;
}

function load(spec: Spec) {
  return checkScenarioFile(writeSpec(spec));
}

test('random valid scenarios load, simulate without throwing, conserve frames and keep bounds', () => {
  fc.assert(
    fc.property(scenarioArb, (spec) => {
      const r = load(spec);
      assert.ok(
        r.ok,
        `a generated scenario was refused:\n${!r.ok && r.issues.map((i) => i.message).join('\n')}`,
      );
      const rows: TimeseriesRow[] = [];
      const result = simulate(r.scenario, { sink: { row: (x) => rows.push(x), event: () => undefined } });
      for (const s of [...result.services, result.total])
        assert.equal(
          s.offeredFrames,
          s.inferredFrames + s.droppedFrames + s.queuedAtEnd + s.inServiceAtEnd,
          `frames not conserved for ${'service' in s ? s.service : 'the total'}`,
        );
      const bounds = new Map(
        r.scenario.services
          .filter((s) => s.hpa)
          .map((s) => [s.name, [s.hpa!.minReplicas, s.hpa!.maxReplicas]]),
      );
      for (const row of rows) {
        assert.ok(row.readyReplicas <= row.replicas, `${row.service} at ${row.timeS}s: ready > replicas`);
        assert.ok(row.inferFps >= 0 && row.dropFps >= 0 && row.queueLength >= 0);
        const b = bounds.get(row.service);
        if (b && row.desiredReplicas !== null)
          assert.ok(
            row.desiredReplicas >= b[0] && row.desiredReplicas <= b[1],
            `${row.service} at ${row.timeS}s: desired ${row.desiredReplicas} outside ${b[0]}..${b[1]}`,
          );
      }
      assert.equal(
        rows.length,
        Math.ceil(r.scenario.durationUs / r.scenario.stepUs) * r.scenario.services.length,
      );
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

test('the same scenario and seed give the same rows and events, whatever ran before', () => {
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (spec, seed) => {
      const r = load(spec);
      assert.ok(r.ok);
      const record = () => {
        const rows: TimeseriesRow[] = [];
        const events: RunEvent[] = [];
        const result = simulate(r.scenario, {
          seed,
          sink: { row: (x) => rows.push(x), event: (e) => events.push(e) },
        });
        return { result, rows, events };
      };
      assert.deepEqual(record(), record());
    }),
    { numRuns: Math.max(10, Math.ceil(RUNS / 3)), seed: SEED + 1 },
  );
});

test('periodic frames made on demand give the same run as one event per frame', () => {
  // Services fed by periodic frames only, whose pods poll: those whose frames are made on demand.
  let onDemand = 0;
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (spec, seed) => {
      const r = load(spec);
      assert.ok(r.ok);
      const sc = r.scenario;
      if (
        sc.services.some(
          (s) =>
            s.wakeup === 'poll' &&
            sc.streams.some((g) => g.type === s.name) &&
            sc.streams.every((g) => g.type !== s.name || g.arrivals === 'periodic'),
        )
      )
        onDemand++;
      const record = (eventPerFrame: boolean) => recordAll(sc, { seed, eventPerFrame });
      assert.deepEqual(record(false), record(true));
    }),
    { numRuns: RUNS, seed: SEED + 5 },
  );
  // The property was about something: a share of the cases made frames on demand (about 1 in 5 of
  // the generated scenarios has such a service). Ties of frames with polls, completions and samples
  // on the same µs are rare here: test/model/frames-on-demand.test.ts makes them on purpose.
  assert.ok(onDemand >= RUNS / 10, `only ${onDemand} of ${RUNS} cases had a service with frames on demand`);
});

/**
 * The scenario `m` made of `spec` is refused, with an issue at the mutated path; a renamed key is
 * named itself, as an unknown key (an issue about the key it replaced does not say what to fix).
 */
function assertRefusedAt(spec: Spec, m: Mutation) {
  const r = load(applyMutation(spec, m));
  assert.ok(!r.ok, `accepted after ${m.kind} at ${m.field}: ${JSON.stringify(m.value)}`);
  const at = (i: ConfigIssue) =>
    m.kind === 'rename'
      ? i.field === m.field && /^unknown key/.test(i.message)
      : i.field === m.field || i.field.startsWith(`${m.field}.`) || i.field.startsWith(`${m.field}[`);
  assert.ok(
    r.issues.some(at),
    `${m.kind} at ${m.field} not reported there: ${r.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
  );
  for (const i of r.issues) assert.ok(i.line >= 1 && i.col >= 1 && i.message.length > 0);
}

test('mutations of valid scenarios are refused at the mutated path, never crash, never default', () => {
  fc.assert(
    fc.property(
      scenarioArb.chain((spec) => mutationArb(spec).map((m) => ({ spec, m }))),
      ({ spec, m }) => assertRefusedAt(spec, m),
    ),
    { numRuns: RUNS * 3, seed: SEED + 2 },
  );
});

test('every key of a value a union checks, its type too, renamed in turn: named as an unknown key', () => {
  fc.assert(
    fc.property(scenarioArb, (spec) => {
      const paths = unionKeyPaths(spec, ScenarioFile);
      // Every generated scenario has distributions (the timed model's serviceTime, each service's
      // startupDelay); without them this test would check nothing.
      assert.ok(
        paths.some((p) => p[p.length - 1] === 'type'),
        `no union value found in ${JSON.stringify(spec)}`,
      );
      for (const path of paths) assertRefusedAt(spec, renameOf(path));
    }),
    { numRuns: Math.max(10, Math.ceil(RUNS / 3)), seed: SEED + 4 },
  );
});

test('through the CLI, mutated scenarios exit 2 with file:line:col and the path, and no stack trace', () => {
  const samples = fc.sample(
    scenarioArb.chain((spec) => mutationArb(spec).map((m) => ({ spec, m }))),
    { numRuns: 6, seed: SEED + 3 },
  );
  for (const { spec, m } of samples) {
    const file = writeSpec(applyMutation(spec, m));
    const r = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${m.kind} at ${m.field}: exit ${r.status}\n${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ `, 'm'));
    assert.ok(r.stderr.includes(m.field), `${m.field} not named in:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at \S+ \(/);
  }
});
