#!/usr/bin/env node
/**
 * The inferscale command line: one file per command, wired here with yargs. Only src/cli/ exits.
 * Each command's module is imported when that command runs, so `--help` and `validate` do not load
 * the simulator, the report writers or the planner.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_USAGE, reportError } from './errors.js';

async function run(fn: () => number | Promise<number>, debug: boolean): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (e) {
    process.exitCode = reportError(e, debug);
  }
}

const argv = hideBin(process.argv);
const debug = argv.includes('--debug');

await yargs(argv)
  .scriptName('inferscale')
  .usage('$0 <command> [options]\n\nSimulate elastic video inference on Kubernetes, deterministically.')
  .command(
    'simulate [file]',
    'Run a scenario and write its report (default: the built-in seed-demo-hpa scenario)',
    (y) =>
      y
        .positional('file', { type: 'string', describe: 'Scenario file (YAML or JSON)' })
        .option('seed', { type: 'number', describe: "Override the scenario's seed" })
        .option('duration', { type: 'string', describe: 'Override the duration (90s, 5m, 1h)' })
        .option('step', { type: 'string', describe: "Override the time series' step (1s, 1m)" })
        .option('out', { type: 'string', describe: 'Report folder (default reports/<scenario name>)' })
        .option('max-events', {
          type: 'number',
          describe: 'Refuse a run estimated to process more events than this (default 1e10)',
        })
        .option('max-rows', {
          type: 'number',
          describe: 'Refuse a run estimated to keep more time-series rows than this (default 2e7)',
        })
        .option('seeds', {
          type: 'number',
          describe: 'Run N seeds (the seed and the next N-1) and report medians with p5-p95 bands',
        })
        .option('workers', {
          type: 'number',
          describe: 'Worker threads for --seeds (default: the number of cores); results do not depend on it',
        })
        .option('json', { type: 'boolean', describe: 'Print summary.json to stdout and nothing else' })
        .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
        .option('openmetrics', {
          type: 'string',
          describe:
            'Also write the run as OpenMetrics text (seed metric names, Kubernetes labels) for promtool tsdb create-blocks-from openmetrics',
        })
        .option('openmetrics-start', {
          type: 'string',
          describe:
            'Wall time of simulated time 0 in that file: Unix seconds or RFC 3339 (default 2026-01-01T00:00:00Z)',
        })
        .option('report', {
          type: 'boolean',
          default: true,
          describe:
            'Write charts/, index.html and summary.md; --no-report writes the CSV and JSON files only',
        })
        .example('$0 simulate', 'the built-in seed-demo-hpa scenario')
        .example('$0 simulate scenarios/mmck.yaml --seed 7 --duration 1h --out /tmp/mmck', '')
        .example('$0 simulate scenarios/seed-manual-scale.yaml --json > summary.json', '')
        .example('$0 simulate scenarios/mmck.yaml --duration 24h --no-report', '')
        .example('$0 simulate --seeds 20', 'medians and p5-p95 bands over seeds 1-20'),
    (a) =>
      run(
        async () =>
          (await import('./simulate.js')).runSimulate({
            ...a,
            openmetricsStart: a['openmetrics-start'] as string | undefined,
          }),
        debug,
      ),
  )
  .command(
    'plan <file>',
    'Size a scenario for its SLO: replicas, nodes and cost per node pool and precision, the cheapest plan, its manifests',
    (y) =>
      y
        .positional('file', {
          type: 'string',
          demandOption: true,
          describe: 'Scenario with an slo; its node pools are the candidates',
        })
        .option('seeds', {
          type: 'number',
          describe: 'Seeds each simulated check must meet the SLO on (default 5)',
        })
        .option('confirm-duration', {
          type: 'string',
          describe: 'Simulated length of each check at peak load (default 2m)',
        })
        .option('confirm', {
          type: 'boolean',
          default: true,
          describe: 'Confirm the analytic guess by simulation; --no-confirm gives the analytic figures only',
        })
        .option('precisions', {
          type: 'string',
          describe: 'Precisions to compare, comma-separated (default fp32,int8)',
        })
        .option('workers', {
          type: 'number',
          describe: 'Worker threads for the simulated checks (default: the cores)',
        })
        .option('out', { type: 'string', describe: 'Report folder (default reports/<scenario name>-plan)' })
        .option('json', { type: 'boolean', describe: 'Print plan.json to stdout' })
        .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
        .example('$0 plan scenarios/plan-seed.yaml', 'which CPU, how many replicas and nodes, at what cost')
        .example(
          '$0 plan scenarios/plan-seed.yaml --seeds 10 --confirm-duration 5m',
          'a stricter confirmation',
        )
        .example('$0 plan scenarios/plan-seed.yaml --no-confirm --json', 'the analytic stage alone, as JSON'),
    (a) =>
      run(
        async () =>
          (await import('./plan.js')).runPlan({
            file: a.file as string,
            seeds: a.seeds,
            confirmDuration: a['confirm-duration'] as string | undefined,
            confirm: a.confirm,
            precisions: a.precisions,
            workers: a.workers,
            out: a.out,
            json: a.json,
            quiet: a.quiet,
          }),
        debug,
      ),
  )
  .command(
    'tune',
    "Search an autoscaling policy: simulate candidates of a space file's parameters; the best, the Pareto front, its HPA",
    (y) =>
      y
        .command(
          '$0 <file>',
          'Tune the HPAs of a scenario over a search space (see README: Tuning)',
          (t) =>
            t
              .positional('file', {
                type: 'string',
                demandOption: true,
                describe: 'Scenario with at least one HPA',
              })
              .option('space', {
                type: 'string',
                demandOption: true,
                describe: 'Search space (YAML): parameters, strategy, budget, objective, constraints',
              })
              .option('workers', {
                type: 'number',
                describe: 'Worker threads (default: the cores); the files do not depend on it',
              })
              .option('shard', {
                type: 'string',
                describe: 'Run only shard INDEX/COUNT (0-based) of the candidates; join with tune merge',
              })
              .option('out', {
                type: 'string',
                describe:
                  'Report folder (default reports/<scenario name>-tune); the checkpoint is <out>.checkpoint.jsonl',
              })
              .option('restart', {
                type: 'boolean',
                describe: 'Discard an unfinished checkpoint of another tune instead of refusing to run',
              })
              .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
              .example('$0 tune scenarios/seed-hpa-scale-ratio.yaml --space scenarios/tune-seed.yaml', '')
              .example(
                '$0 tune S.yaml --space T.yaml --shard 0/4 --out /results/shard-0',
                'one of four shards',
              ),
          (a) =>
            run(
              async () =>
                (await import('./tune.js')).runTune({
                  file: a.file as string,
                  space: a.space as string,
                  workers: a.workers,
                  shard: a.shard,
                  out: a.out,
                  restart: a.restart,
                  quiet: a.quiet,
                }),
              debug,
            ),
        )
        .command(
          'merge <dirs..>',
          'Join shard folders of one tune into the files a single run writes',
          (t) =>
            t
              .positional('dirs', { type: 'string', array: true, demandOption: true })
              .option('out', {
                type: 'string',
                describe: 'Report folder (default reports/<scenario name>-tune)',
              })
              .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
              .example('$0 tune merge reports/s-tune-shard-0-of-2 reports/s-tune-shard-1-of-2', ''),
          (a) =>
            run(
              async () =>
                (await import('./tune.js')).runTuneMerge({
                  dirs: a.dirs as string[],
                  out: a.out,
                  quiet: a.quiet,
                }),
              debug,
            ),
        )
        .command(
          'k8s-job <file>',
          'Print a Kubernetes Indexed Job that runs the tune as N shards',
          (t) =>
            t
              .positional('file', { type: 'string', demandOption: true })
              .option('space', { type: 'string', demandOption: true })
              .option('shards', { type: 'number', demandOption: true, describe: 'Pods (completions)' })
              .option('image', {
                type: 'string',
                describe: 'Container image with inferscale (default inferscale:latest)',
              })
              .option('name', { type: 'string', describe: 'Job name (default inferscale-tune-<scenario>)' })
              .option('workers', { type: 'number', describe: 'Worker threads and CPU per pod (default 2)' })
              .example('$0 tune k8s-job S.yaml --space T.yaml --shards 8 > job.yaml', ''),
          (a) =>
            run(
              async () =>
                (await import('./tune.js')).runTuneK8sJob({
                  file: a.file as string,
                  space: a.space as string,
                  shards: a.shards as number,
                  image: a.image,
                  name: a.name,
                  workers: a.workers,
                }),
              debug,
            ),
        ),
  )
  .command(
    'replay <file>',
    'Replay recorded cluster metrics: calibrate the scenario, compare simulated and recorded, dry-run candidate policies',
    (y) =>
      y
        .positional('file', {
          type: 'string',
          demandOption: true,
          describe: 'Scenario of the recorded cluster (services, models, node pools, autoscalers)',
        })
        .option('metrics', {
          type: 'string',
          array: true,
          demandOption: true,
          describe:
            'Recorded metrics: query_range JSON, Prometheus/OpenMetrics text or CSV files, or a Prometheus URL (http://HOST:9090)',
        })
        .option('mapping', {
          type: 'string',
          describe: 'Mapping file (YAML): which series mean what (default: the seed names)',
        })
        .option('from', {
          type: 'string',
          describe: 'Start of the replayed period: Unix seconds or RFC 3339',
        })
        .option('to', { type: 'string', describe: 'End of the replayed period' })
        .option('step', { type: 'string', describe: "Replay step (default: the recording's; 15s for a URL)" })
        .option('policy', {
          type: 'string',
          describe: 'A tune space file: dry-run its candidates on the recorded load',
        })
        .option('workers', { type: 'number', describe: 'Worker threads for --policy (default: the cores)' })
        .option('name', { type: 'string', describe: "Replay name (default: the scenario's)" })
        .option('out', { type: 'string', describe: 'Output folder (default replay/<name>)' })
        .option('follow', {
          type: 'boolean',
          describe: 'Keep polling a live Prometheus: the candidate policy beside the cluster',
        })
        .option('interval', { type: 'string', describe: '--follow: time between polls (default 30s)' })
        .option('window', {
          type: 'string',
          describe: '--follow: recorded time replayed at each poll (default 10m)',
        })
        .option('polls', { type: 'number', describe: '--follow: stop after N polls (default: until Ctrl-C)' })
        .option('candidate', {
          type: 'string',
          describe: "--follow: the candidate HPA manifest (default: the scenario's HPA)",
        })
        .option('token-file', {
          type: 'string',
          describe: 'Bearer token for the Prometheus (else $INFERSCALE_PROMETHEUS_TOKEN)',
        })
        .option('timeout', { type: 'string', describe: 'Per request (default 30s)' })
        .option('retries', {
          type: 'number',
          describe: 'Retries of a failed request, with backoff (default 3)',
        })
        .option('json', { type: 'boolean', describe: 'Print fidelity.json to stdout' })
        .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
        .example('$0 replay S.yaml --metrics recorded.om', 'calibrate and compare on a recording')
        .example(
          '$0 replay S.yaml --metrics http://127.0.0.1:9090 --from 2026-01-01T00:00:00Z --to 2026-01-02T00:00:00Z --policy T.yaml',
          'a day from a live Prometheus, and the best HPA of a space on it',
        ),
    (a) =>
      run(
        async () =>
          (await import('./replay.js')).runReplay({
            file: a.file as string,
            metrics: (a.metrics as string[]) ?? [],
            mapping: a.mapping,
            from: a.from,
            to: a.to,
            step: a.step,
            policy: a.policy,
            workers: a.workers,
            name: a.name,
            out: a.out,
            follow: a.follow,
            interval: a.interval,
            window: a.window,
            polls: a.polls,
            candidate: a.candidate,
            tokenFile: a['token-file'] as string | undefined,
            timeout: a.timeout,
            retries: a.retries,
            json: a.json,
            quiet: a.quiet,
          }),
        debug,
      ),
  )
  .command(
    'report <dir>',
    "Regenerate a run folder's charts, index.html and summary.md from its CSV and JSON files, without simulating",
    (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'A folder written by simulate' })
        .option('quiet', { type: 'boolean', describe: 'Print nothing on success' })
        .example('$0 plan scenarios/plan-seed.yaml', 'replicas, nodes and cost per CPU type for an SLO')
        .example('$0 report reports/seed-demo-hpa', 'redraw a run (one made with --no-report, say)'),
    (a) =>
      run(
        async () => (await import('./report.js')).runReport({ dir: a.dir as string, quiet: a.quiet }),
        debug,
      ),
  )
  .command(
    'validate <file>',
    'Check a scenario file: exit 0 with OK, or exit 2 listing every problem as file:line:col field: message',
    (y) =>
      y
        .positional('file', { type: 'string', demandOption: true })
        .example('$0 validate scenarios/mmck.yaml', ''),
    (a) => run(async () => (await import('./validate.js')).runValidate(a.file as string), debug),
  )
  .command(
    'schema',
    'Print the scenario JSON Schema (kept at scenarios/scenario.schema.json for editors)',
    (y) => y.example('$0 schema > scenarios/scenario.schema.json', ''),
    () => run(async () => (await import('./schema.js')).runSchema(), debug),
  )
  .example('$0 simulate', 'simulate the built-in seed-demo-hpa scenario into reports/seed-demo-hpa/')
  .example('$0 simulate scenarios/mmck.yaml --seed 7 --duration 1h', 'another scenario, seed and length')
  .example('$0 plan scenarios/plan-seed.yaml', 'replicas, nodes and cost per CPU type for an SLO')
  .example(
    '$0 tune scenarios/seed-hpa-scale-ratio.yaml --space scenarios/tune-seed.yaml',
    'search HPA settings',
  )
  .example('$0 report reports/seed-demo-hpa', "redraw a run's charts and page from its CSV and JSON files")
  .example('$0 validate my-cluster.yaml', 'check a scenario; every problem as file:line:col field: message')
  .example('$0 schema > scenario.schema.json', 'the JSON Schema for editors')
  .option('debug', { type: 'boolean', describe: 'Show stack traces on errors' })
  .demandCommand(1, 'Name a command: simulate, plan, tune, replay, report, validate or schema.')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version(false)
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`${msg}\nRun 'inferscale --help' for usage.\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
