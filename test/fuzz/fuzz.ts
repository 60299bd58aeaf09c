/**
 * A small seeded fuzzer for the input parsers: valid files (the shipped scenarios, the tune spaces)
 * mutated by bytes and by YAML structure, plus random bytes, each run through a parser that must
 * never throw and must place every problem (file, line >= 1, col >= 1, a field, a message).
 *
 *   corpus text -> 1-4 mutations (seeded) -> temp file -> parser -> verdict: ok | refused | finding
 *
 * Used by test/fuzz/parsers.test.ts (a slice in `npm test`) and test/soak/run.ts (`npm run soak`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import seedrandom from 'seedrandom';
import type { ConfigIssue } from '../../src/errors.js';

export type Rng = () => number;

/** Tokens that mean something to YAML, JSON or our schema. */
const TOKENS = [
  ': ',
  '- ',
  '&a ',
  '*a',
  '<<: *a\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\t',
  '"',
  "'",
  '#',
  '\n',
  '  ',
  '---\n',
  '...\n',
  '!!binary ',
  '!!js/function ',
  '!!python/object ',
  '!custom ',
  '? ',
  '|\n',
  '>-\n',
  '%YAML 1.1\n',
  '1e999',
  '-1',
  '-0',
  '0x1F',
  '0o17',
  '.nan',
  '.inf',
  '-.inf',
  'NaN',
  '~',
  'null',
  'true',
  'no',
  '9007199254740993',
  '1e-400',
  '\u0000',
  '\uFEFF',
  '\u2028',
  'é',
  '🎥',
  '\\u0000',
  '$ref',
  '__proto__',
  'constructor',
  '10Gi',
  '1h',
  '-5s',
  '99999999d',
  '0ms',
  '<script>',
  '../../etc/passwd',
  '${HOME}',
  '`id`',
];

/** What a mutation changes the input's numbers to (default: extremes and wrong kinds for YAML). */
const EXTREMES = ['0', '-1', '1e308', '4294967296', '0.0000001', 'x', '1_000'];

/** The tokens insertions choose from and the numbers a number is changed to, per input format. */
export interface Dialect {
  tokens: readonly string[];
  numbers: readonly string[];
}

export const YAML_DIALECT: Dialect = { tokens: TOKENS, numbers: EXTREMES };

const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** One mutation of `text`; the kinds a user's typo, a bad merge or a broken transfer make. */
export function mutateOnce(text: string, rng: Rng, dialect: Dialect = YAML_DIALECT): string {
  const { tokens, numbers } = dialect;
  const at = int(rng, text.length + 1);
  switch (int(rng, 9)) {
    case 0: // a token inserted
      return text.slice(0, at) + tokens[int(rng, tokens.length)] + text.slice(at);
    case 1: {
      // a range deleted
      const len = 1 + int(rng, 40);
      return text.slice(0, at) + text.slice(at + len);
    }
    case 2: {
      // a character replaced by a random code point (any plane)
      const cp = rng() < 0.7 ? int(rng, 128) : int(rng, 0x110000);
      const ch = cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : String.fromCodePoint(cp);
      return text.slice(0, at) + ch + text.slice(at + 1);
    }
    case 3: {
      // a line duplicated, dropped or swapped with the next
      const lines = text.split('\n');
      const i = int(rng, lines.length);
      const k = int(rng, 3);
      if (k === 0) lines.splice(i, 0, lines[i]);
      else if (k === 1) lines.splice(i, 1);
      else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
      return lines.join('\n');
    }
    case 4: {
      // a line re-indented
      const lines = text.split('\n');
      const i = int(rng, lines.length);
      lines[i] = rng() < 0.5 ? ' '.repeat(1 + int(rng, 6)) + lines[i] : lines[i].replace(/^\s{1,4}/, '');
      return lines.join('\n');
    }
    case 5: // a number changed to an extreme or a wrong kind
      return text.replace(/\b\d+(\.\d+)?\b/g, (m) => (rng() < 0.15 ? numbers[int(rng, numbers.length)] : m));
    case 6: // truncated
      return text.slice(0, at);
    case 7: {
      // a span copied elsewhere (a bad merge)
      const from = int(rng, text.length);
      const span = text.slice(from, from + 1 + int(rng, 80));
      return text.slice(0, at) + span + text.slice(at);
    }
    default: // deep nesting
      return text.slice(0, at) + '['.repeat(1 + int(rng, 3000)) + text.slice(at);
  }
}

/** 1-4 mutations of a corpus text, or (one case in twenty) random bytes. */
export function fuzzCase(corpus: string[], rng: Rng, dialect: Dialect = YAML_DIALECT): Buffer {
  if (rng() < 0.05) {
    const bytes = Buffer.alloc(int(rng, 2000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = int(rng, 256);
    return bytes;
  }
  let text = corpus[int(rng, corpus.length)];
  const n = 1 + int(rng, 4);
  for (let i = 0; i < n; i++) text = mutateOnce(text, rng, dialect);
  return Buffer.from(text, 'utf8');
}

/**
 * What a parser made of a case. `problem` is an oracle's finding about it: an acceptance that is
 * silently wrong (a NaN taken as a number), or a refusal that does not place the problem.
 */
export type Verdict =
  | { kind: 'ok'; problem?: string | null }
  | { kind: 'refused'; issues: ConfigIssue[]; problem?: string | null };

export interface Finding {
  case: number;
  why: string;
  input: Buffer;
}

export interface FuzzStats {
  cases: number;
  accepted: number;
  refused: number;
  findings: Finding[];
  slowestMs: number;
}

/** What a well-placed issue looks like; the reason it is not, or null. */
export function issueProblem(i: ConfigIssue, file: string): string | null {
  // A problem in a file the input names (a manifests file, a trace) is placed in that file.
  if (i.file !== file && !i.file.startsWith(dirname(file) + sep))
    return `issue names file ${JSON.stringify(i.file)}`;
  if (!(Number.isInteger(i.line) && i.line >= 1 && Number.isInteger(i.col) && i.col >= 1))
    return `issue placed at ${i.line}:${i.col}`;
  if (typeof i.field !== 'string' || i.field === '') return 'issue without a field';
  if (typeof i.message !== 'string' || i.message.trim() === '') return 'issue without a message';
  // Quoted input aside (a cell may hold anything), no sign of a value the code did not mean to print.
  // (`\bNaN:`: a user's key may end in NaN, `targetNaN: unknown key`.)
  if (/undefined|\[object Object\]|\bNaN:/.test(i.message.replace(/"(?:[^"\\]|\\.)*"/g, '""')))
    return `issue message leaks internals: ${i.message}`;
  return null;
}

/**
 * Runs `cases` fuzz cases of `corpus` through `parse` (which reads the file it is given); collects
 * throws, malformed issues and (over `slowMs`) hangs as findings. Deterministic for one seed.
 */
export function fuzz(options: {
  corpus: string[];
  cases: number;
  seed: string;
  parse: (file: string) => Verdict;
  slowMs?: number;
  /** The case's file name in its temporary folder (default case.yaml). */
  fileName?: string;
  /** What the mutations insert and change numbers to (default: YAML's, JSON's and the schema's). */
  dialect?: Dialect;
  /** Called on an accepted case (e.g. to simulate it); a throw is a finding. */
  accepted?: (file: string) => void;
}): FuzzStats {
  const rng = seedrandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-fuzz-'));
  const stats: FuzzStats = { cases: 0, accepted: 0, refused: 0, findings: [], slowestMs: 0 };
  // A library warning (the YAML parser's on a key it would stringify) would reach the user's
  // terminal beside our message: a finding, caught as it is emitted, per case.
  const emitWarning = process.emitWarning;
  let warned: string | null = null;
  process.emitWarning = ((w: string | Error) => {
    warned ??= typeof w === 'string' ? w : w.message;
  }) as typeof process.emitWarning;
  try {
    for (let c = 0; c < options.cases; c++) {
      warned = null;
      const input = fuzzCase(options.corpus, rng, options.dialect);
      const file = join(dir, options.fileName ?? 'case.yaml');
      writeFileSync(file, input);
      const started = performance.now();
      try {
        const v = options.parse(file);
        if (v.problem) stats.findings.push({ case: c, why: v.problem, input });
        if (v.kind === 'ok') {
          stats.accepted++;
          options.accepted?.(file);
        } else {
          stats.refused++;
          if (v.issues.length === 0 && v.problem === undefined)
            stats.findings.push({ case: c, why: 'refused without an issue', input });
          for (const i of v.issues) {
            const p = issueProblem(i, file);
            if (p) {
              stats.findings.push({ case: c, why: p, input });
              break;
            }
          }
        }
      } catch (e) {
        stats.findings.push({ case: c, why: `threw: ${(e as Error).stack ?? String(e)}`, input });
      }
      if (warned !== null) stats.findings.push({ case: c, why: `a library warning: ${warned}`, input });
      const ms = performance.now() - started;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      if (options.slowMs !== undefined && ms > options.slowMs)
        stats.findings.push({ case: c, why: `took ${ms.toFixed(0)} ms`, input });
      stats.cases++;
    }
  } finally {
    process.emitWarning = emitWarning;
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}

export function readCorpus(files: string[]): string[] {
  return files.map((f) => readFileSync(f, 'utf8'));
}
