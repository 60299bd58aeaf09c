/**
 * Reading a scenario file into a YAML document that remembers where every value came from, so
 * any problem can be reported as `file:line:col field.path: message`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import {
  LineCounter,
  parseDocument,
  parseAllDocuments,
  isMap,
  isSeq,
  isPair,
  isAlias,
  isCollection,
  isScalar,
  visit,
  type Alias,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { ConfigIssue } from '../errors.js';

export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

export type PathSegment = string | number;

/** `services.car-fp32.queue.capacity`, `streams[0].type`; `(root)` for the empty path. */
export function fieldName(path: readonly PathSegment[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s === '' ? seg : `.${seg}`;
  }
  return s === '' ? '(root)' : s;
}

export class ScenarioSource {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed | null,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path` (or of its key, when `atKey`); when the path does not exist
   * the position of its deepest existing ancestor, so "missing field" points at the object that lacks it.
   */
  locate(path: readonly PathSegment[], atKey = false): { line: number; col: number } {
    let node: unknown = this.doc?.contents ?? null;
    let best: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (last && atKey && keyNode.range) {
          best = keyNode.range;
          break;
        }
        node = pair.value;
        best = (pair.value as Node | null)?.range ?? keyNode.range ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = item;
        best = (item as Node | null)?.range ?? best;
      } else break;
    }
    return this.position(best ? best[0] : 0);
  }

  position(offset: number): { line: number; col: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  issue(path: readonly PathSegment[], message: string, atKey = false): ConfigIssue {
    const { line, col } = this.locate(path, atKey);
    return { file: this.file, line, col, field: fieldName(path), message };
  }
}

export type ReadResult =
  { ok: true; source: ScenarioSource; value: unknown } | { ok: false; issues: ConfigIssue[] };

function fileIssue(file: string, message: string, line = 1, col = 1): ConfigIssue {
  return { file, line, col, field: '(file)', message };
}

/**
 * The 1-based character column where field `index` of a CSV line starts (after the spaces that
 * trimming drops); 1 when the line does not hold that many fields (a record over several lines).
 */
export function fieldColumn(line: string, index: number): number {
  let field = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= line.length && field < index; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      field++;
      start = i + 1;
    }
  }
  if (field < index) return 1;
  while (start < line.length && (line[start] === ' ' || line[start] === '\t')) start++;
  return start + 1;
}

/** Size and sha256 of a file's bytes, as a report lists the files a run read. */
export function fileDigest(bytes: Uint8Array): { bytes: number; sha256: string } {
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Reads and parses a scenario file; every failure comes back as issues, never as a throw. */
export function readScenarioFile(file: string): ReadResult & { input?: { bytes: number; sha256: string } } {
  const read = readText(file, 'scenario');
  return read.ok ? { ...parseScenarioText(read.text, file), input: read.input } : read;
}

/** Reads a YAML file as UTF-8 text; a directory, a huge or binary file, or a read error is an issue. */
function readText(
  file: string,
  what: string,
):
  | { ok: true; text: string; input: { bytes: number; sha256: string } }
  | { ok: false; issues: ConfigIssue[] } {
  const fail = (message: string, line = 1, col = 1) => ({
    ok: false as const,
    issues: [fileIssue(file, message, line, col)],
  });
  try {
    const st = statSync(file);
    if (st.isDirectory()) return fail(`is a directory, not a ${what} file`);
    if (!st.isFile()) return fail('is not a regular file');
    if (st.size > MAX_SCENARIO_BYTES) {
      const mib = (st.size / 1024 / 1024).toFixed(1);
      return fail(`is ${mib} MiB; ${what} files are limited to ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB`);
    }
    const bytes = readFileSync(file);
    const decoded = decodeUtf8(bytes);
    if (typeof decoded !== 'string') {
      const lc = lineColAtByte(bytes, decoded.badByte);
      return fail(`is not UTF-8 text (${decoded.reason} at byte ${decoded.badByte})`, lc.line, lc.col);
    }
    return { ok: true, text: decoded, input: fileDigest(bytes) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read (${code ?? (e as Error).message})`;
    return fail(why);
  }
}

export function parseScenarioText(text: string, file: string): ReadResult {
  return parseMappingText(text, file, {
    empty: 'is empty; a scenario needs at least services, models, nodePools and streams',
    notMapping: 'a scenario must be a mapping of keys (name, services, streams, ...)',
  });
}

/** What to say when a one-document YAML file is empty or is not a mapping. */
export interface MappingMessages {
  empty: string;
  notMapping: string;
}

/** Reads and parses any one-document YAML file that must hold a mapping (a scenario, a tune space). */
export function readMappingFile(
  file: string,
  what: string,
  messages: MappingMessages,
): ReadResult & { input?: { bytes: number; sha256: string } } {
  const read = readText(file, what);
  return read.ok ? { ...parseMappingText(read.text, file, messages), input: read.input } : read;
}

export function parseMappingText(text: string, file: string, messages: MappingMessages): ReadResult {
  if (text.trim() === '') return { ok: false, issues: [fileIssue(file, messages.empty)] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, ...PARSE_OPTIONS });
  const read = documentValue(doc, lines, file);
  if (!read.ok) return read;
  const { source, value } = read;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [source.issue([], messages.notMapping)] };
  }
  return { ok: true, source, value };
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/**
 * One parsed YAML document to a plain value, or its first problem: a syntax error (the parser's
 * later ones mostly follow from the first), an alias without its anchor, an alias bomb.
 */
function documentValue(
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
): { ok: true; source: ScenarioSource; value: unknown } | { ok: false; issues: ConfigIssue[] } {
  const at = (offset: number, message: string) => {
    const p = lines.linePos(offset);
    return { ok: false as const, issues: [{ file, line: p.line, col: p.col, field: '(syntax)', message }] };
  };
  const first = doc.errors[0];
  if (first) return at(first.pos[0], syntaxMessage(first));
  let badAlias: Alias | null = null;
  let badKey: { range?: [number, number, number] | null } | null = null;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) {
        badAlias = node;
        return visit.BREAK;
      }
    },
    // A key that is a list or a mapping (`? [a, b]`) has no place in these files; refused here
    // rather than stringified with a warning from the YAML library.
    // An alias as a key counts as what it stands for (`? *list`); a scalar whose tag makes it an
    // object (`!!binary cores: 16` is bytes) is as much a non-plain key.
    Pair(_, pair) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      const objectScalar = isScalar(key) && key.value !== null && typeof key.value === 'object';
      if (isCollection(key) || objectScalar) {
        badKey = pair.key as { range?: [number, number, number] | null };
        return visit.BREAK;
      }
    },
  });
  if (badKey) {
    const key = badKey as { range?: [number, number, number] | null };
    return at(
      key.range?.[0] ?? 0,
      'a key must be a plain value (a name or a number), not a list, a mapping or a tagged value',
    );
  }
  if (badAlias) {
    const alias = badAlias as Alias;
    return at(
      alias.range?.[0] ?? 0,
      `unknown alias *${alias.source}: no anchor &${alias.source} is set before it`,
    );
  }
  const source = new ScenarioSource(file, doc, lines);
  try {
    return { ok: true, source, value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (e) {
    return { ok: false, issues: [source.issue([], firstLine((e as Error).message))] };
  }
}

function syntaxMessage(err: YAMLError): string {
  if (err.code === 'MULTIPLE_DOCS') return 'this file holds one YAML document; a second one starts here';
  if (/call stack/i.test(err.message)) return 'nested too deeply to read';
  return firstLine(err.message);
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function decodeUtf8(bytes: Buffer): string | { badByte: number; reason: string } {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { badByte: nul, reason: 'a NUL byte' };
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { badByte: bad, reason: 'an invalid UTF-8 sequence' };
  const s = bytes.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Index of the first byte that starts an invalid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

function lineColAtByte(bytes: Buffer, at: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

export interface ManifestDoc {
  source: ScenarioSource;
  value: unknown;
}

/**
 * Reads a Kubernetes manifest file (one or more YAML documents, `---` separated), each document
 * with its own positions so problems are reported at file:line:col of the manifest.
 */
export function readManifestFile(
  file: string,
):
  | { ok: true; docs: ManifestDoc[]; input: { bytes: number; sha256: string } }
  | { ok: false; issues: ConfigIssue[] } {
  const read = readText(file, 'manifest');
  if (!read.ok) return read;
  const text = read.text;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, ...PARSE_OPTIONS });
  if (!Array.isArray(docs)) return { ok: false, issues: [fileIssue(file, 'holds no YAML document')] };
  const out: ManifestDoc[] = [];
  for (const doc of docs) {
    const parsed = documentValue(doc, lines, file);
    if (!parsed.ok) return parsed;
    const { source, value } = parsed;
    if (value === null || value === undefined) continue; // an empty document between separators
    out.push({ source, value });
  }
  if (out.length === 0) return { ok: false, issues: [fileIssue(file, 'holds no Kubernetes object')] };
  return { ok: true, docs: out, input: read.input };
}
