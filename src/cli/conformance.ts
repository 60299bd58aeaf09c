#!/usr/bin/env node
/**
 * `npm run conformance -- <kind> <file>`: runs every case of a reference vectors file through
 * inferscale's own code, prints one line per failing case (each wrong field, expected vs actual)
 * and last `N passed, M failed`. Exit 0 when all pass, 1 when some fail, 2 when the kind is unknown
 * or the file unreadable or malformed.
 *
 * One suite per kind of reference.
 */
import { readFileSync } from 'node:fs';
import { checkCase, parseVectorFile, type FieldCheck } from '../autoscale/hpa/vectors.js';
import { parseKedaVectors } from '../autoscale/keda/vectors.js';
import { parseKpaVectors } from '../autoscale/kpa/vectors.js';
import { DataError } from '../errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, reportError } from './errors.js';

interface ConformanceCase {
  name: string;
  /** Compares every expected field; throws a DataError when the case's input is malformed. */
  check(): FieldCheck[];
}

interface ConformanceSuite {
  description: string;
  load(text: string, file: string): ConformanceCase[];
}

const SUITES: Record<string, ConformanceSuite> = {
  hpa: {
    description: 'Kubernetes HorizontalPodAutoscaler (reference/hpa/vectors.json, SPEC.md)',
    load: (text, file) =>
      parseVectorFile(text, file).map((c) => ({ name: c.name, check: () => checkCase(c) })),
  },
  keda: {
    description: "KEDA's own loop, RequestScale (reference/autoscalers/keda-vectors.json, KEDA.md)",
    load: parseKedaVectors,
  },
  kpa: {
    description: 'Knative Pod Autoscaler: decider, windows (reference/autoscalers/kpa-vectors.json, KPA.md)',
    load: parseKpaVectors,
  },
};

const USAGE =
  'usage: conformance <kind> <file>\n\n' +
  'Runs every case of a reference vectors file and reports the failures.\nKinds:\n' +
  Object.entries(SUITES)
    .map(([k, s]) => `  ${k.padEnd(6)} ${s.description}`)
    .join('\n') +
  '\n';

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function describeFailure(name: string, checks: FieldCheck[]): string {
  const wrong = checks
    .filter((c) => !c.ok)
    .map((c) => `${c.field} expected ${show(c.expected)}, got ${show(c.actual)}`);
  return `FAIL ${name}: ${wrong.join('; ')}`;
}

function run(args: string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const [kind, file, ...rest] = args.filter((a) => a !== '--debug');
  if (kind === undefined || file === undefined || rest.length > 0) {
    process.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  const suite = Object.hasOwn(SUITES, kind) ? SUITES[kind] : undefined;
  if (!suite) {
    process.stderr.write(
      `error: unknown kind '${kind}'; valid kinds are: ${Object.keys(SUITES).join(', ')}\n`,
    );
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
  }

  let passed = 0;
  let failed = 0;
  for (const c of suite.load(text, file)) {
    let checks: FieldCheck[];
    try {
      checks = c.check();
    } catch (e) {
      if (e instanceof DataError) throw e;
      // A bug in the code under test fails its case; the run goes on.
      checks = [
        { field: 'run', expected: 'no exception', actual: String((e as Error)?.message ?? e), ok: false },
      ];
    }
    if (checks.every((x) => x.ok)) {
      passed++;
    } else {
      failed++;
      process.stdout.write(`${describeFailure(c.name, checks)}\n`);
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? EXIT_FAILURE : EXIT_OK;
}

const argv = process.argv.slice(2);
try {
  process.exitCode = run(argv);
} catch (e) {
  process.exitCode = reportError(e, argv.includes('--debug'));
}
