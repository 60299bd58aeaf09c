/** summary.md: the summary table and the scaling table (recovery, held by stabilization). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult, ServiceSummary } from '../../src/model/simulate.js';
import { SCALING_HEADER, scalingRows, summaryMarkdown } from '../../src/report/markdown.js';
import { reportInputFor } from './input.js';

const input = await reportInputFor();

function withServices(services: Partial<ServiceSummary>[], heldTotal: number): RunResult {
  return {
    ...input.result,
    services: services.map((s) => ({ ...input.result.services[0], ...s })),
    total: { ...input.result.total, replicaSecondsHeldByStabilization: heldTotal },
  };
}

test('scaling table: the longest recovery, or how many load steps never recovered; held replica-seconds', () => {
  const result = withServices(
    [
      {
        service: 'a',
        loadSteps: [
          { atSeconds: 0, recoverySeconds: 10 },
          { atSeconds: 120, recoverySeconds: 35.5 },
        ],
        maxRecoverySeconds: 35.5,
        unrecoveredLoadSteps: 0,
        replicaSecondsHeldByStabilization: 1425,
      },
      {
        service: 'b',
        loadSteps: [{ atSeconds: 0, recoverySeconds: null }],
        maxRecoverySeconds: null,
        unrecoveredLoadSteps: 1,
        replicaSecondsHeldByStabilization: 0,
      },
      {
        service: 'c',
        loadSteps: [],
        maxRecoverySeconds: null,
        unrecoveredLoadSteps: 0,
        replicaSecondsHeldByStabilization: 0,
      },
    ],
    1425,
  );
  assert.deepEqual(scalingRows(result), [
    ['a', '2', '35.5 s', '1425 replica-s'],
    ['b', '1', 'not recovered (1 of 1)', '0 replica-s'],
    ['c', '0', '-', '0 replica-s'],
    ['total', '3', 'not recovered (1 of 3)', '1425 replica-s'],
  ]);
  const md = summaryMarkdown(result, input.scenario, []);
  assert.ok(md.includes(`| ${SCALING_HEADER.join(' | ')} |`));
  assert.ok(md.includes('| a | 2 | 35.5 s | 1425 replica-s |'));
  assert.match(md, /until the drop stayed at or below 1% of offered frames/);
});

test('scaling table: every figure from the run itself', () => {
  const rows = scalingRows(input.result)!;
  assert.deepEqual(
    rows.map((r) => r[0]),
    ['svc', 'other', 'total'],
  );
  // Both services start with their streams at 0 s: one load step each.
  assert.deepEqual(
    rows.map((r) => r[1]),
    ['1', '1', '2'],
  );
});

test('a summary.json older than these figures gives no scaling table', () => {
  const { loadSteps: _l, ...old } = input.result.services[0];
  const result = { ...input.result, services: [old as ServiceSummary] };
  assert.equal(scalingRows(result), null);
  assert.doesNotMatch(summaryMarkdown(result, input.scenario, []), /held by stabilization/);
});
