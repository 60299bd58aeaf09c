/**
 * `inferscale tune FILE --space SPACE`, `tune merge DIR...` and `tune k8s-job FILE --space SPACE`.
 *
 *   scenario + space (checked: file:line:col, exit 2) -> candidates (context, fingerprint)
 *   -> run this shard's share on worker threads, each finished candidate appended to
 *      <out>.checkpoint.jsonl (resumed when it exists)
 *   -> the folder's files (atomically) -> the live checkpoint removed -> exit 0, or 3 when no
 *      candidate meets the constraints
 *
 * A shard (`--shard i/N`) writes its share's checkpoint.jsonl and candidates.csv; `tune merge` joins
 * shard folders into the files one run writes, byte for byte.
 */
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, DataError } from '../errors.js';
import { renderSvg } from '../report/svg.js';
import { checkScenarioFile } from '../scenario/load.js';
import { readScenarioFile } from '../scenario/source.js';
import type { Scenario } from '../scenario/types.js';
import {
  buildContext,
  candidateParams,
  isReference,
  referenceIds,
  type TuneContext,
} from '../tune/candidates.js';
import { readCheckpoint, type CandidateRecord, type Shard } from '../tune/checkpoint.js';
import type { Json } from '../tune/hpa-manifest.js';
import type { Kpis } from '../tune/kpis.js';
import { analyse, better, isFeasible, type TuneResults } from '../tune/results.js';
import {
  bestPolicyFiles,
  candidatesCsv,
  headerOf,
  paretoChart,
  shownKpis,
  tuneFiles,
  type TuneFile,
} from '../tune/report.js';
import { readSpaceFile, resolveSpace } from '../tune/space.js';
import { checkpointText } from '../tune/checkpoint.js';
import { runCandidates } from '../tune/tune.js';
import { checkOutputPath, writeAtomically } from './atomic.js';
import { onInterrupt } from './interrupt.js';
import { EXIT_INFEASIBLE, EXIT_OK } from './errors.js';
import { tuneProgressBar } from './progress.js';

export interface TuneArgs {
  file: string;
  space: string;
  workers?: number;
  shard?: string;
  out?: string;
  restart?: boolean;
  quiet?: boolean;
}

function optionIssue(field: string, message: string): ConfigError {
  return new ConfigError([{ file: '(command line)', line: 1, col: 1, field, message }]);
}

/** The scenario and the space, checked; every problem as file:line:col. */
export function loadTune(file: string, spaceFile: string): { scenario: Scenario; ctx: TuneContext } {
  const checked = checkScenarioFile(file);
  if (!checked.ok) throw new ConfigError(checked.issues);
  const read = readScenarioFile(file);
  if (!read.ok) throw new ConfigError(read.issues);
  const space = readSpaceFile(spaceFile);
  if (!space.ok) throw new ConfigError(space.issues);
  const resolved = resolveSpace(space.source, space.value, checked.scenario, read.value as Json);
  if (!resolved.ok) throw new ConfigError(resolved.issues);
  const ctx = buildContext(checked.scenario, resolved.space, read.value as Json);
  ctx.inputFiles = [
    ...checked.scenario.inputFiles,
    ...(space.input ? [{ field: '(space)', file: basename(spaceFile), ...space.input }] : []),
  ];
  return { scenario: checked.scenario, ctx };
}

export function parseShard(text: string | undefined): Shard | null {
  if (text === undefined) return null;
  const m = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && count <= 10_000 && index >= 0 && index < count))
    throw optionIssue(
      '--shard',
      `must be INDEX/COUNT with 0 <= INDEX < COUNT <= 10000 (0-based, as JOB_COMPLETION_INDEX), not ${JSON.stringify(text)}`,
    );
  return { index, count };
}

function workersOption(w: number | undefined): number {
  const workers = w ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256))
    throw optionIssue('--workers', `must be an integer from 1 to 256, not ${workers}`);
  return workers;
}

function bestText(ctx: TuneContext, r: CandidateRecord): string {
  return `#${r.id} ${ctx.space.objective.map((k) => `${k} ${r.kpis?.[k] ?? '-'}`).join(', ')}`;
}

/** The files of a finished tune: everything, or a shard's share. */
async function finishedFiles(
  ctx: TuneContext,
  records: Map<number, CandidateRecord>,
  shard: Shard | null,
): Promise<{ files: TuneFile[]; results: TuneResults }> {
  const results = analyse(ctx, records.values());
  if (shard !== null)
    return {
      results,
      files: [
        { path: 'candidates.csv', content: candidatesCsv(ctx, results, false) },
        { path: 'checkpoint.jsonl', content: checkpointText(headerOf(ctx, shard), records.values()) },
      ],
    };
  const spec = paretoChart(ctx, results);
  const { svg } = await renderSvg(spec, 'tune-pareto');
  return { results, files: tuneFiles(ctx, records.values(), results, { spec, svg }) };
}

function answer(ctx: TuneContext, results: TuneResults, outDir: string): string {
  const lines: string[] = [];
  const valid = results.candidates.filter((c) => c.valid).length;
  const feasible = results.candidates.filter((c) => c.feasible).length;
  lines.push(
    `${ctx.candidates.length} candidates: ${valid} valid, ${feasible} meet the constraints; Pareto front: ${results.front.length}.`,
  );
  if (results.best === null) lines.push('No candidate meets the constraints (exit 3).');
  else {
    const b = results.candidates.find((c) => c.id === results.best)!;
    const params = Object.entries(candidateParams(ctx, ctx.candidates[b.id]))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(`Best: candidate ${b.id} (${params})`);
    lines.push(
      `  ${shownKpis(ctx)
        .map((k) => `${k} ${b.kpis?.[k] ?? '-'}`)
        .join(', ')}`,
    );
    for (const f of bestPolicyFiles(ctx, results)) lines.push(`  policy: ${join(outDir, f.path)}`);
  }
  const x = ctx.space.paretoX;
  const kpi = (k: Kpis | null | undefined) => `${x} ${k?.[x] ?? '-'}, dropPercent ${k?.dropPercent ?? '-'}`;
  if (results.baseline) lines.push(`The scenario's own policy: ${kpi(results.baseline.kpis)}`);
  if (results.oracle) lines.push(`The oracle (lower bound): ${kpi(results.oracle.kpis)}`);
  lines.push(`report: ${outDir}`);
  return `${lines.join('\n')}\n`;
}

export async function runTune(args: TuneArgs): Promise<number> {
  // 1. Inputs and options, all checked before anything runs or is written.
  const { scenario, ctx } = loadTune(args.file, args.space);
  const workers = workersOption(args.workers);
  const shard = parseShard(args.shard);
  const outDir = resolve(
    args.out ??
      join(
        'reports',
        shard ? `${ctx.scenario}-tune-shard-${shard.index}-of-${shard.count}` : `${ctx.scenario}-tune`,
      ),
  );
  checkOutputPath(outDir, 'folder', '--out');
  const checkpointFile = `${outDir}.checkpoint.jsonl`;

  // 2. The candidates, resumed from a checkpoint when there is one.
  const bar = !args.quiet && process.stderr.isTTY ? tuneProgressBar() : null;
  let best: CandidateRecord | null = null;
  let finished = { done: 0, total: ctx.candidates.length };
  const stopListening = onInterrupt(
    () =>
      `${finished.done} of ${finished.total} runs (candidates, and the scenario's own and the oracle's) finished; they are kept in ` +
      `${checkpointFile}. Run the same command to continue from there.`,
  );
  const records = await runCandidates(scenario, ctx, {
    workers,
    shard,
    checkpointFile,
    finishedCheckpoint: join(outDir, 'checkpoint.jsonl'),
    restart: args.restart ?? false,
    onProgress: (p) => {
      finished = { done: p.done, total: p.total };
      if (
        p.record &&
        !isReference(p.record.id) &&
        isFeasible(ctx, p.record) &&
        (!best || better(ctx, p.record, best))
      )
        best = p.record;
      bar?.update(p.done, p.total, p.resumed, best ? bestText(ctx, best) : null);
    },
  });
  bar?.done();

  // 3. The files, atomically; then the live checkpoint goes (the folder holds its copy). Ctrl-C is
  // still answered while the chart is drawn: the checkpoint then holds every run, and is what is kept.
  const { files, results } = await finishedFiles(ctx, records, shard);
  writeAtomically(outDir, files);
  rmSync(checkpointFile, { force: true });
  stopListening();
  if (shard) {
    if (!args.quiet)
      process.stdout.write(
        `shard ${shard.index}/${shard.count}: ${[...records.keys()].filter((id) => !isReference(id)).length} of ${ctx.candidates.length} candidates.\nreport: ${outDir}\n` +
          `join the shards with: inferscale tune merge DIR...\n`,
      );
    return EXIT_OK;
  }
  if (!args.quiet) process.stdout.write(answer(ctx, results, outDir));
  return results.best === null ? EXIT_INFEASIBLE : EXIT_OK;
}

export interface MergeArgs {
  dirs: string[];
  out?: string;
  quiet?: boolean;
}

/** Joins shard folders (or any folders of the same tune) into the files one run writes. */
export async function runTuneMerge(args: MergeArgs): Promise<number> {
  let ctx: TuneContext | null = null;
  let first = '';
  const records = new Map<number, CandidateRecord>();
  for (const dir of args.dirs) {
    const file = join(dir, 'checkpoint.jsonl');
    if (!existsSync(file)) throw new DataError(`${file}: no such file; is ${dir} a folder written by tune?`);
    const read = readCheckpoint(file);
    if (ctx === null) {
      ctx = read.header.context;
      first = file;
    } else if (read.header.context.fingerprint !== ctx.fingerprint)
      throw new DataError(`${file} is a tune of another scenario, space or seed than ${first}`);
    for (const [id, r] of read.records) {
      const seen = records.get(id);
      if (seen && JSON.stringify(seen) !== JSON.stringify(r))
        throw new DataError(`${file}: candidate ${id} differs from the same candidate in another folder`);
      records.set(id, r);
    }
  }
  if (ctx === null) throw new DataError('name at least one folder');
  const missing = ctx.candidates.filter((c) => !records.has(c.id)).map((c) => c.id);
  const missingRefs = referenceIds(ctx).filter((id) => !records.has(id));
  if (missing.length > 0 || missingRefs.length > 0)
    throw new DataError(
      `${missing.length} of ${ctx.candidates.length} candidates${
        missingRefs.length > 0 ? ` and the baseline and oracle runs (shard 0's)` : ''
      } are in none of the folders (the first: ${[...missing, ...missingRefs].slice(0, 10).join(', ')}); ` +
        'is a shard missing or unfinished?',
    );
  const outDir = resolve(args.out ?? join('reports', `${ctx.scenario}-tune`));
  const { files, results } = await finishedFiles(ctx, records, null);
  writeAtomically(outDir, files);
  if (!args.quiet) process.stdout.write(answer(ctx, results, outDir));
  return results.best === null ? EXIT_INFEASIBLE : EXIT_OK;
}

export interface K8sJobArgs {
  file: string;
  space: string;
  shards: number;
  image?: string;
  name?: string;
  workers?: number;
}

/** A DNS-1123 label from a scenario name. */
function label(s: string, max: number): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return out || 'tune';
}

/** A Kubernetes Indexed Job whose pod i runs `tune ... --shard i/N`, for stdout. */
export function runTuneK8sJob(args: K8sJobArgs): number {
  const { ctx } = loadTune(args.file, args.space); // a Job that would fail on bad input is not printed
  const shards = args.shards;
  if (!(Number.isInteger(shards) && shards >= 1 && shards <= 10_000))
    throw optionIssue('--shards', `must be an integer from 1 to 10000, not ${shards}`);
  const workers = workersOption(args.workers ?? 2);
  const name = args.name ?? `inferscale-tune-${label(ctx.scenario, 40)}`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 52)
    throw optionIssue(
      '--name',
      `must be a DNS-1123 label of at most 52 characters, not ${JSON.stringify(name)}`,
    );
  const image = args.image ?? 'inferscale:latest';
  const scenarioKey = basename(args.file);
  const spaceKey = basename(args.space);
  const command =
    `exec inferscale tune /input/${scenarioKey} --space /input/${spaceKey} ` +
    `--shard "$JOB_COMPLETION_INDEX/${shards}" --out "/results/shard-$JOB_COMPLETION_INDEX" --workers ${workers} --quiet`;
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'inferscale-tune' } },
    spec: {
      completionMode: 'Indexed',
      completions: shards,
      parallelism: shards,
      backoffLimit: 3 * shards,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'inferscale-tune' } },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [
            {
              name: 'tune',
              image,
              command: ['sh', '-c', command],
              resources: { requests: { cpu: workers }, limits: { cpu: workers } },
              volumeMounts: [
                { name: 'input', mountPath: '/input', readOnly: true },
                { name: 'results', mountPath: '/results' },
              ],
            },
          ],
          volumes: [
            { name: 'input', configMap: { name: `${name}-input` } },
            { name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } },
          ],
        },
      },
    },
  };
  const head = [
    `# inferscale tune of ${ctx.scenario} as ${shards} shard(s) of an Indexed Job: pod i runs --shard i/${shards}`,
    `# (${ctx.candidates.length} candidates; shard i takes the candidates whose id mod ${shards} is i).`,
    '# Before `kubectl apply -f` this file:',
    `#   kubectl create configmap ${name}-input --from-file=${args.file} --from-file=${args.space}`,
    '#     (add every file the scenario reads: traces, manifests; the pod sees them all in /input)',
    `#   a PersistentVolumeClaim ${name}-results (ReadWriteMany) for the shard folders`,
    `#   an image ${JSON.stringify(image)} with inferscale on its PATH (--image)`,
    '# A pod that fails or is evicted restarts and resumes from its checkpoint on the claim.',
    '# When the Job completes, from any pod that mounts the claim:',
    `#   inferscale tune merge /results/shard-* --out /results/${ctx.scenario}-tune`,
  ];
  process.stdout.write(`${head.join('\n')}\n${stringify(job)}`);
  return EXIT_OK;
}
