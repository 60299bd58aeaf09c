/**
 * A tune's files, in memory (the CLI writes them atomically), from its context and records only:
 *
 *   candidates.csv     one row per candidate: id, each parameter, valid / feasible / pareto / best,
 *                      the KPIs (medians over the seeds), problems
 *   pareto.csv         the front's rows, by cost (or replica-seconds) then drop %
 *   best.json          the best feasible candidate, its KPIs per seed, its objects; the front's ids
 *   best-hpa.yaml      the best candidate's policy, ready to apply: an autoscaling/v2 HPA per tuned
 *                      service it runs with hpa or predictive (the HPA the forecasts feed);
 *   best-keda.yaml     a keda.sh/v1alpha1 ScaledObject per service it runs with keda;
 *   best-kpa.yaml      the Knative Service autoscaling fragment and config-autoscaler per kpa service
 *   charts/pareto.{vl.json,svg}   cost against drop %, the front and the best marked
 *   summary.md         the answer, the front, the leading candidates
 *   checkpoint.jsonl   the header and every record by id (what `tune merge` and resuming read)
 */
import { stringify as csv } from 'csv-stringify/sync';
import { stringify as yaml } from 'yaml';
import { fixed, markdownTable, num } from '../report/format.js';
import { INPUT_FILES_HEADER, INPUT_NUMERIC, inputFileRows } from '../report/markdown.js';
import type { VlSpec } from '../report/charts.js';
import { specJson } from '../report/render.js';
import { candidateObjects, candidateParams, type TuneContext } from './candidates.js';
import { knativeObjects } from '../scenario/knative.js';
import { checkpointText, type CandidateRecord, type CheckpointHeader } from './checkpoint.js';
import { KPIS, KPI_DESCRIPTIONS, type KpiName, type Kpis } from './kpis.js';
import { better, type CandidateResult, type Regret, type TuneResults } from './results.js';

export interface TuneFile {
  path: string;
  content: string;
}

const KPI_LABEL: Record<KpiName, string> = {
  cost: 'cost',
  dropPercent: 'drop %',
  sloViolationSeconds: 'SLO violation s',
  scaleEventsPerHour: 'scale events / h',
  replicaSeconds: 'replica-seconds',
  latencyP95Seconds: 'p95 latency s',
};

function cell(v: number | string | boolean | null | undefined): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v === 'number' ? num(v) : v;
}

function rows(ctx: TuneContext, results: TuneResults, list: CandidateResult[], whole: boolean): string[][] {
  return list.map((c) => [
    String(c.id),
    ...c.values.map((v) => String(cell(v))),
    String(cell(c.valid)),
    String(cell(c.feasible)),
    whole ? String(cell(c.pareto)) : '',
    whole ? String(cell(c.id === results.best)) : '',
    ...KPIS.map((k) => String(cell(c.kpis?.[k] ?? null))),
    String(cell(c.regret?.cost ?? null)),
    String(cell(c.regret?.dropPercent ?? null)),
    [...c.problems, ...c.violations].join('; '),
  ]);
}

function header(ctx: TuneContext): string[] {
  return [
    'id',
    ...ctx.space.parameters.map((p) => p.name),
    'valid',
    'feasible',
    'pareto',
    'best',
    ...KPIS,
    `${ctx.space.paretoX}Regret`,
    'dropPercentRegret',
    'problems',
  ];
}

/** candidates.csv; `whole` false (a shard's share) leaves pareto and best empty: they need every candidate. */
export function candidatesCsv(ctx: TuneContext, results: TuneResults, whole = true): string {
  return csv([header(ctx), ...rows(ctx, results, results.candidates, whole)]);
}

export function paretoCsv(ctx: TuneContext, results: TuneResults): string {
  const byId = new Map(results.candidates.map((c) => [c.id, c]));
  return csv([
    header(ctx),
    ...rows(
      ctx,
      results,
      results.front.map((id) => byId.get(id)!),
      true,
    ),
  ]);
}

/** How each written policy file is named and introduced. */
const POLICY_FILES = {
  'best-hpa.yaml':
    '# One autoscaling/v2 HorizontalPodAutoscaler per tuned service run by the HPA (or by predictive: the HPA\n' +
    '# its forecasts feed): `kubectl apply -f` it, or give a service `manifests:` pointing at its document\n' +
    '# to simulate it again.\n',
  'best-keda.yaml':
    '# One KEDA ScaledObject (keda.sh/v1alpha1) per tuned service run by KEDA: `kubectl apply -f` it (KEDA\n' +
    '# creates the HPA keda-hpa-<name> from it; check the Redis address), or give a service `manifests:`\n' +
    '# pointing at its document to simulate it again.\n',
  'best-kpa.yaml':
    '# Per tuned service run by the Knative Pod Autoscaler: the autoscaling fragment of its Knative Service\n' +
    '# (merge spec.template.metadata.annotations and containerConcurrency into the Service that runs the\n' +
    "# model: the containers are yours), then config-autoscaler's cluster-wide keys (knative-serving).\n" +
    '# The `kpa:` settings they come from are in best.json.\n',
} as const;
export type PolicyFileName = keyof typeof POLICY_FILES;

/** The best candidate's policies as ready-to-apply multi-document YAML files, by file name. */
export function bestPolicyFiles(ctx: TuneContext, results: TuneResults): TuneFile[] {
  if (results.best === null) return [];
  const c = ctx.candidates[results.best];
  const built = candidateObjects(ctx, c);
  if (!built.ok) throw new Error(`candidate ${c.id} was recorded valid but its objects do not build`);
  const r = results.candidates.find((x) => x.id === c.id)!;
  const objective = ctx.space.objective.map((k) => `${k} ${num(r.kpis![k])}`).join(', ');
  const head =
    `# The best candidate (${c.id}) of \`inferscale tune\` on ${ctx.scenario}: ${objective}.\n` +
    `# ${Object.entries(candidateParams(ctx, c))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`;
  const docs: Record<PolicyFileName, string[]> = {
    'best-hpa.yaml': [],
    'best-keda.yaml': [],
    'best-kpa.yaml': [],
  };
  for (const o of built.objects) {
    const names = ctx.bases.find((b) => b.service === o.service)!.names;
    switch (o.autoscaler) {
      case 'hpa':
        docs['best-hpa.yaml'].push(`---\n${yaml(o.object.hpa)}`);
        break;
      case 'predictive':
        docs['best-hpa.yaml'].push(
          `---\n# ${o.service} runs predictive: this HPA decides on Holt-Winters forecasts of its metrics, which a\n` +
            '# cluster has no built-in way to do (feed it forecast metrics, or run it as is). To simulate it again\n' +
            `# give ${o.service} this document in \`manifests:\` and this \`predictive:\` beside it:\n` +
            `#   predictive: ${JSON.stringify(o.object.predictive)}\n${yaml(o.object.hpa)}`,
        );
        break;
      case 'keda':
        docs['best-keda.yaml'].push(`---\n${yaml(o.object.keda)}`);
        break;
      case 'kpa':
        for (const k of knativeObjects(o.object.kpa!, names)) docs['best-kpa.yaml'].push(`---\n${yaml(k)}`);
        break;
    }
  }
  return (Object.keys(docs) as PolicyFileName[])
    .filter((f) => docs[f].length > 0)
    .map((f) => ({ path: f, content: head + POLICY_FILES[f] + docs[f].join('') }));
}

/** best-hpa.yaml's content, or null when the best candidate runs no HPA (or there is none). */
export function bestHpaYaml(ctx: TuneContext, results: TuneResults): string | null {
  return bestPolicyFiles(ctx, results).find((f) => f.path === 'best-hpa.yaml')?.content ?? null;
}

export function bestJson(ctx: TuneContext, results: TuneResults): string {
  const r = results.best === null ? null : results.candidates.find((x) => x.id === results.best)!;
  const built = r ? candidateObjects(ctx, ctx.candidates[r.id]) : null;
  const valid = results.candidates.filter((c) => c.valid);
  return `${JSON.stringify(
    {
      scenario: ctx.scenario,
      strategy: ctx.space.strategy,
      candidates: ctx.candidates.length,
      valid: valid.length,
      feasible: results.candidates.filter((c) => c.feasible).length,
      services: ctx.space.services,
      seeds: ctx.seeds,
      durationSeconds: ctx.space.durationUs / 1e6,
      objective: ctx.space.objective,
      constraints: ctx.space.constraints.map((c) => c.text),
      paretoAxes: [ctx.space.paretoX, 'dropPercent'],
      best: r
        ? {
            id: r.id,
            params: candidateParams(ctx, ctx.candidates[r.id]),
            kpis: r.kpis,
            perSeed: r.perSeed,
            regret: r.regret,
            objects:
              built && built.ok
                ? built.objects.map((o) => ({
                    service: o.service,
                    autoscaler: o.autoscaler,
                    object: o.object,
                  }))
                : [],
          }
        : null,
      baseline: results.baseline
        ? {
            autoscalers: Object.fromEntries(ctx.bases.map((b) => [b.service, b.autoscaler])),
            kpis: results.baseline.kpis,
            perSeed: results.baseline.perSeed,
            regret: results.baselineRegret,
          }
        : null,
      oracle: results.oracle
        ? { slo: ctx.oracleSlo, kpis: results.oracle.kpis, perSeed: results.oracle.perSeed }
        : null,
      front: results.front,
      fingerprint: ctx.fingerprint,
    },
    null,
    2,
  )}\n`;
}

function policyText(ctx: TuneContext, values: readonly unknown[]): string {
  return ctx.space.parameters
    .flatMap((p, i) => (values[i] === null ? [] : [`${p.name}=${values[i]}`]))
    .join(', ');
}

export function paretoChart(ctx: TuneContext, results: TuneResults): VlSpec {
  const x = ctx.space.paretoX;
  const values = results.candidates
    .filter((c) => c.valid && c.kpis?.[x] != null && c.kpis?.dropPercent != null)
    .map((c) => ({
      id: c.id,
      x: c.kpis![x],
      dropPercent: c.kpis!.dropPercent,
      kind:
        c.id === results.best
          ? 'best'
          : c.pareto
            ? 'Pareto front'
            : c.feasible
              ? 'feasible'
              : 'misses constraints',
      front: c.pareto,
      policy: policyText(ctx, c.values),
    }));
  const front = values
    .filter((v) => v.front)
    .sort((a, b) => (a.x as number) - (b.x as number) || a.id - b.id);
  const xTitle = x === 'cost' ? 'cost of the CPU the pods held' : 'replica-seconds';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${ctx.scenario}: ${x === 'cost' ? 'cost' : 'replica-seconds'} against drop % of each candidate`,
      subtitle: `Medians over ${ctx.seeds.length} seed(s); the Pareto front joined by a line${results.best !== null ? ', the best candidate as a diamond' : ''}.`,
      anchor: 'start',
    },
    width: 560,
    height: 360,
    layer: [
      {
        data: { values: front.map((v) => ({ x: v.x, dropPercent: v.dropPercent })) },
        mark: { type: 'line', color: '#e45756', strokeWidth: 1.5, interpolate: 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
          y: { field: 'dropPercent', type: 'quantitative', title: 'drop %' },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
          y: { field: 'dropPercent', type: 'quantitative', title: 'drop %' },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['best', 'Pareto front', 'feasible', 'misses constraints'],
              range: ['#000000', '#e45756', '#4c78a8', '#bab0ac'],
            },
          },
          shape: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['best', 'Pareto front', 'feasible', 'misses constraints'],
              range: ['diamond', 'circle', 'circle', 'circle'],
            },
          },
          size: { condition: { test: "datum.kind === 'best'", value: 200 }, value: 60 },
          tooltip: [
            { field: 'id', type: 'quantitative' },
            { field: 'x', type: 'quantitative', title: xTitle },
            { field: 'dropPercent', type: 'quantitative', title: 'drop %' },
            { field: 'policy', type: 'nominal' },
          ],
        },
      },
    ],
    config: { aria: false },
  };
}

/**
 * The KPIs shown to people (summary.md, the terminal): all but `cost` when no tuned pod has a price,
 * where it is 0 for every candidate. candidates.csv keeps every column.
 */
export function shownKpis(ctx: TuneContext): KpiName[] {
  return KPIS.filter((k) => k !== 'cost' || ctx.space.paretoX === 'cost');
}

function kpiRow(ctx: TuneContext, c: CandidateResult): string[] {
  return [
    String(c.id),
    ...c.values.map((v) => (v === null ? '' : String(v))),
    ...shownKpis(ctx).map((k) =>
      fixed(c.kpis?.[k] ?? null, k === 'cost' ? 4 : k === 'latencyP95Seconds' ? 3 : 2),
    ),
  ];
}

/** The best against the scenario's own policies and the oracle, on the same seeds. */
function referencesBlock(ctx: TuneContext, results: TuneResults): string {
  const x = ctx.space.paretoX;
  const xl = x === 'cost' ? 'cost' : 'replica-seconds';
  const head = ['run', xl, 'drop %', 'SLO violation s', `${xl} regret`, 'drop % regret'];
  const d = x === 'cost' ? 4 : 2;
  const row = (name: string, kpis: Kpis | null, regret: Regret | null) => [
    name,
    fixed(kpis?.[x] ?? null, d),
    fixed(kpis?.dropPercent ?? null, 2),
    fixed(kpis?.sloViolationSeconds ?? null, 2),
    fixed(regret?.cost ?? null, d),
    fixed(regret?.dropPercent ?? null, 2),
  ];
  const own = ctx.bases.map((b) => `${b.service}: ${b.autoscaler}`).join(', ');
  const rows: string[][] = [];
  if (results.baseline)
    rows.push(row(`the scenario's own (${own})`, results.baseline.kpis, results.baselineRegret));
  const best = results.best === null ? null : results.candidates.find((c) => c.id === results.best)!;
  if (best) rows.push(row(`best (candidate ${best.id})`, best.kpis, best.regret));
  if (results.oracle)
    rows.push(row('oracle (lower bound)', results.oracle.kpis, { cost: 0, dropPercent: 0 }));
  const lines = [`## Against the scenario's own policy and the oracle\n\n${markdownTable(head, rows)}`];
  const b = best?.kpis;
  const o = results.baseline?.kpis;
  if (b && o && b[x] !== null && o[x] !== null && b.dropPercent !== null && o.dropPercent !== null)
    lines.push(
      b[x]! < o[x]! && b.dropPercent <= o.dropPercent
        ? `The best costs ${fixed(o[x]! - b[x]!, d)} less (${xl}) than the scenario's own policy at no higher drop %.`
        : b[x]! >= o[x]!
          ? "The best costs no less than the scenario's own policy: no candidate that meets the constraints is cheaper (the own policy may not meet them)."
          : `The best is cheaper than the scenario's own policy but drops more (${fixed(b.dropPercent, 2)} % against ${fixed(o.dropPercent, 2)} %).`,
    );
  lines.push(
    ctx.oracleSlo
      ? `Regret: a run's KPI minus the oracle's (medians, same seeds). The oracle runs each tuned service with the fewest replicas the queueing model says meet the SLO (${[
          ctx.oracleSlo.maxDropPercent !== null ? `drop % <= ${ctx.oracleSlo.maxDropPercent}` : '',
          ctx.oracleSlo.maxP95LatencySeconds !== null
            ? `p95 latency <= ${ctx.oracleSlo.maxP95LatencySeconds} s`
            : '',
        ]
          .filter(Boolean)
          .join(
            ', ',
          )}), knowing the future load and the start delays: a lower bound, not a guarantee (a negative regret is a run that beat it).`
      : 'No regret: the scenario has no slo and the space no dropPercent or latencyP95Seconds bound for the oracle to meet.',
  );
  return lines.join('\n\n');
}

export function summaryMarkdown(ctx: TuneContext, results: TuneResults): string {
  const s = ctx.space;
  const valid = results.candidates.filter((c) => c.valid);
  const feasible = results.candidates.filter((c) => c.feasible);
  const head = ['id', ...s.parameters.map((p) => p.name), ...shownKpis(ctx).map((k) => KPI_LABEL[k])];
  const byId = new Map(results.candidates.map((c) => [c.id, c]));
  const blocks: string[] = [`# Tune: ${ctx.scenario}`];
  blocks.push(
    `${ctx.candidates.length} candidates (${s.strategy}${s.strategy !== 'grid' ? `, seed ${s.seed}` : ''}) over ${s.parameters
      .map((p) => `\`${p.name}\``)
      .join(
        ', ',
      )} of ${s.services.join(', ')}; each simulated for ${ctx.space.durationUs / 1e6} s on seeds ` +
      `${ctx.seeds.join(', ')} (KPIs are the medians). ${valid.length} resolve to a valid policy; ` +
      `${feasible.length} meet the constraints (${s.constraints.map((c) => `\`${c.text}\``).join(', ') || 'none'}). ` +
      `Objective: minimise ${s.objective.map((k) => `\`${k}\``).join(', then ')}.`,
  );
  if (ctx.engine)
    blocks.push(
      `Every candidate ran on the fluid engine (tick ${ctx.engine.tickUs / 1e6} s): its KPIs are within ` +
        'the error the README states ("The fluid engine") of the exact engine\'s. Check the best policy ' +
        "on the exact engine (drop the scenario's `engine`) before relying on its drop and latency figures.",
    );
  if (results.best === null) blocks.push('**No candidate meets the constraints** (exit 3).');
  else {
    const b = byId.get(results.best)!;
    const files = bestPolicyFiles(ctx, results).map((f) => `\`${f.path}\``);
    blocks.push(
      `## Best: candidate ${b.id}\n\n${markdownTable(head, [kpiRow(ctx, b)])}\n\n` +
        `Its policy, ready to apply, is in ${files.join(' and ')}.`,
    );
  }
  blocks.push(referencesBlock(ctx, results));
  blocks.push(
    `## Pareto front (${s.paretoX === 'cost' ? 'cost' : 'replica-seconds'} against drop %)\n\n` +
      markdownTable(
        head,
        results.front.map((id) => kpiRow(ctx, byId.get(id)!)),
      ),
  );
  const leading = [...feasible].sort((a, b) => (better(ctx, a, b) ? -1 : 1)).slice(0, 10);
  if (leading.length > 0)
    blocks.push(
      `## The ${leading.length} best feasible candidates\n\n${markdownTable(
        head,
        leading.map((c) => kpiRow(ctx, c)),
      )}`,
    );
  const invalid = results.candidates.filter((c) => !c.valid);
  if (invalid.length > 0)
    blocks.push(
      `## Invalid candidates (not simulated)\n\n${invalid.length} candidate(s); the first: ` +
        invalid
          .slice(0, 5)
          .map((c) => `${c.id} (${c.problems.join('; ')})`)
          .join(', '),
    );
  blocks.push('![Cost against drop %](charts/pareto.svg)');
  if (ctx.inputFiles?.length)
    blocks.push(
      `## Files read\n\n${markdownTable(INPUT_FILES_HEADER, inputFileRows(ctx.inputFiles), INPUT_NUMERIC)}`,
    );
  blocks.push(
    `KPIs: ${KPIS.map((k) => `\`${k}\`: ${KPI_DESCRIPTIONS[k]}`).join('; ')}.\n\n` +
      'Files: `candidates.csv`, `pareto.csv`, `best.json`, the best policy (`best-hpa.yaml`, `best-keda.yaml`, `best-kpa.yaml`: those it uses), `charts/pareto.svg` (and its Vega-Lite spec), `checkpoint.jsonl`.',
  );
  return `${blocks.join('\n\n')}\n`;
}

/** Every file of a finished tune (all candidates recorded), SVG given by the caller. */
export function tuneFiles(
  ctx: TuneContext,
  records: Iterable<CandidateRecord>,
  results: TuneResults,
  chart: { spec: VlSpec; svg: string },
): TuneFile[] {
  const files: TuneFile[] = [
    { path: 'candidates.csv', content: candidatesCsv(ctx, results) },
    { path: 'pareto.csv', content: paretoCsv(ctx, results) },
    { path: 'best.json', content: bestJson(ctx, results) },
    { path: 'charts/pareto.vl.json', content: specJson(chart.spec) },
    { path: 'charts/pareto.svg', content: chart.svg },
    { path: 'summary.md', content: summaryMarkdown(ctx, results) },
    { path: 'checkpoint.jsonl', content: checkpointText(headerOf(ctx, null), records) },
  ];
  files.push(...bestPolicyFiles(ctx, results));
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function headerOf(ctx: TuneContext, shard: CheckpointHeader['shard']): CheckpointHeader {
  return { kind: 'inferscale-tune-checkpoint', shard, context: ctx };
}
