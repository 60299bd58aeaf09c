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
        .option('out', { type: 'string', describe: 'Report folder (default reports/<scenario name>)' })
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
    (a) => run(async () => (await import('./simulate.js')).runSimulate(a), debug),
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
  .example('$0 report reports/seed-demo-hpa', "redraw a run's charts and page from its CSV and JSON files")
  .example('$0 validate my-cluster.yaml', 'check a scenario; every problem as file:line:col field: message')
  .example('$0 schema > scenario.schema.json', 'the JSON Schema for editors')
  .option('debug', { type: 'boolean', describe: 'Show stack traces on errors' })
  .demandCommand(1, 'Name a command: simulate, plan, report, validate or schema.')
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
