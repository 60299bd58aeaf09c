/**
 * `inferscale plan FILE`: the scenario's SLO is required; its node pools are the candidates.
 *   check options and the SLO -> planScenario (analytic, then simulated on worker threads)
 *   -> plan.json, plan.csv, plan.md, charts/, index.html, manifests/, scenario.yaml in a temporary
 *      folder -> renamed into place -> exit 0, or 3 when no candidate meets the SLO
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { planManifests, plannedScenarioYaml } from '../plan/manifests.js';
import { PRECISIONS, planScenario, type Plan } from '../plan/plan.js';
import {
  costChart,
  planCsv,
  planHtml,
  planJson,
  planMarkdown,
  replicasChart,
  sloChart,
  type PlanFile,
} from '../plan/report.js';
import { renderSvg } from '../report/svg.js';
import { parseDurationUs } from '../scenario/duration.js';
import { checkScenarioFile } from '../scenario/load.js';
import { readScenarioFile } from '../scenario/source.js';
import type { PrecisionName } from '../scenario/schema.js';
import type { Scenario } from '../scenario/types.js';
import { checkOutputPath, writeAtomically } from './atomic.js';
import { onInterrupt } from './interrupt.js';
import { EXIT_INFEASIBLE, EXIT_OK } from './errors.js';

export interface PlanArgs {
  file: string;
  seeds?: number;
  confirmDuration?: string;
  confirm?: boolean;
  precisions?: string;
  workers?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

function optionIssue(field: string, message: string): ConfigError {
  return new ConfigError([{ file: '(command line)', line: 1, col: 1, field, message }]);
}

export async function runPlan(args: PlanArgs): Promise<number> {
  // 1. The scenario, and its SLO: a plan without one has nothing to meet.
  const checked = checkScenarioFile(args.file);
  if (!checked.ok) throw new ConfigError(checked.issues);
  const scenario = checked.scenario;
  const read = readScenarioFile(args.file);
  if (!read.ok) throw new ConfigError(read.issues);
  const { maxDropPercent, maxP95LatencySeconds } = scenario.slo;
  if (maxDropPercent === null && maxP95LatencySeconds === null) {
    const spec = read.value as { slo?: unknown };
    throw new ConfigError(
      [
        read.source.issue(
          spec.slo === undefined ? [] : ['slo'],
          spec.slo === undefined
            ? 'a plan needs an SLO: add slo: { maxDropPercent: 1, maxP95LatencySeconds: 0.5 } (either or both)'
            : 'give maxDropPercent, maxP95LatencySeconds or both',
          spec.slo !== undefined,
        ),
      ].map((i) => (spec.slo === undefined ? { ...i, field: 'slo' } : i)),
    );
  }
  // 2. Options.
  const seeds = args.seeds ?? 5;
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 1000))
    throw optionIssue('--seeds', `must be an integer from 1 to 1000, not ${seeds}`);
  const workers = args.workers ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256))
    throw optionIssue('--workers', `must be an integer from 1 to 256, not ${workers}`);
  let confirmDurationUs = 120e6;
  if (args.confirmDuration !== undefined) {
    try {
      confirmDurationUs = parseDurationUs(args.confirmDuration);
    } catch {
      throw optionIssue(
        '--confirm-duration',
        `${JSON.stringify(args.confirmDuration)} is not a duration (like 90s, 5m)`,
      );
    }
    if (!(confirmDurationUs >= 1e6 && confirmDurationUs <= 86400e6))
      throw optionIssue('--confirm-duration', 'must be between 1s and 24h');
  }
  const precisions = (args.precisions ?? PRECISIONS.join(',')).split(',').map((p) => p.trim());
  for (const p of precisions)
    if (!(PRECISIONS as readonly string[]).includes(p))
      throw optionIssue('--precisions', `${JSON.stringify(p)} is not a precision (fp32, int8)`);
  const base = scenario.seed;
  if (base + seeds - 1 >= 2 ** 32) throw optionIssue('--seeds', 'the last seed would pass 2^32 - 1');

  // 3. Plan. Interrupted, nothing is written: the plan's checks are quick to run again.
  const outDir = resolve(args.out ?? join('reports', `${scenario.name}-plan`));
  checkOutputPath(outDir, 'folder', '--out');
  const stopListening = onInterrupt(
    () => `nothing written; ${outDir} is as it was. The plan's checks start over when run again.`,
  );
  const plan = await planScenario(scenario, {
    seeds: Array.from({ length: seeds }, (_, i) => base + i),
    confirmDurationUs,
    confirm: args.confirm ?? true,
    workers,
    precisions: [...new Set(precisions)] as PrecisionName[],
  });

  // 4. Files, written to a temporary folder and renamed into place.
  const files = await planFiles(plan, read.value as Record<string, unknown>, scenario);
  writeAtomically(outDir, files);
  stopListening();
  if (args.json) process.stdout.write(planJson(plan));
  else if (!args.quiet) process.stdout.write(`${planSummary(plan)}\nreport: ${outDir}\n`);
  return plan.best === null ? EXIT_INFEASIBLE : EXIT_OK;
}

async function planFiles(
  plan: Plan,
  input: Record<string, unknown>,
  scenario: Scenario,
): Promise<PlanFile[]> {
  const slo = sloChart(plan);
  const charts: { name: string; spec: Record<string, unknown> }[] = [
    { name: 'cost', spec: costChart(plan) },
    { name: 'replicas', spec: replicasChart(plan) },
    ...(slo ? [{ name: 'slo', spec: slo }] : []),
  ];
  const svgs: { name: string; svg: string }[] = [];
  for (const c of charts) svgs.push({ name: c.name, svg: (await renderSvg(c.spec, `plan-${c.name}`)).svg });
  const files: PlanFile[] = [
    { path: 'plan.json', content: planJson(plan) },
    { path: 'plan.csv', content: planCsv(plan) },
    {
      path: 'plan.md',
      content: planMarkdown(
        plan,
        charts.map((c) => c.name),
      ),
    },
    { path: 'index.html', content: planHtml(plan, svgs) },
    ...charts.flatMap((c, i) => [
      { path: `charts/${c.name}.vl.json`, content: `${JSON.stringify(c.spec, null, 2)}\n` },
      { path: `charts/${c.name}.svg`, content: svgs[i].svg },
    ]),
  ];
  if (plan.best !== null) {
    const best = plan.candidates[plan.best];
    const pool = scenario.nodePools.find((p) => p.name === best.pool)!;
    const limits = Object.fromEntries(scenario.services.map((s) => [s.name, s.cpuLimit]));
    files.push(...planManifests(best, pool.labels, limits), {
      path: 'scenario.yaml',
      content: plannedScenarioYaml(input, best, `${scenario.name}-planned`),
    });
  }
  return files;
}

/** The terminal answer: the cheapest plan and the comparison, short. */
export function planSummary(plan: Plan): string {
  const lines: string[] = [];
  for (const [i, c] of plan.candidates.entries()) {
    const replicas = c.services.every((s) => s.replicas !== null)
      ? c.services.reduce((n, s) => n + s.replicas!, 0)
      : null;
    lines.push(
      `${i === plan.best ? '->' : '  '} ${c.pool.padEnd(18)} ${c.cpuType.padEnd(22)} ${c.precision.padEnd(5)} ` +
        (c.feasible
          ? `${String(replicas).padStart(5)} replicas ${String(c.nodes).padStart(4)} nodes ${c.costPerMonth!.toFixed(0).padStart(9)} /month`
          : `infeasible: ${c.problems.join('; ')}`),
    );
  }
  const head =
    plan.best === null
      ? 'No candidate meets the SLO (exit 3).'
      : `Cheapest: ${plan.candidates[plan.best].pool} at ${plan.candidates[plan.best].precision}.`;
  return `${head}\n${lines.join('\n')}\n`;
}
