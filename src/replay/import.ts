/**
 * Importers of recorded metrics, each into a SeriesBuilder; a malformed file is a DataError naming
 * it and, where there is one, the line and column:
 *
 *   query_range JSON   {"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},"values":[[t,"v"]]}]}}
 *                      (as `curl .../api/v1/query_range` saves it; a vector or an instant matrix too)
 *   Prometheus text    `name{labels} value timestamp_ms` lines, # HELP / # TYPE comments
 *   OpenMetrics text   the same with timestamps in seconds and a last `# EOF` line
 *   CSV                a header `timestamp,metric,<label>...,value`; a row per sample; an empty label cell is no label
 *
 * Values read as Prometheus writes them: `NaN`, `+Inf`, `-Inf` are numbers here (SeriesBuilder then
 * drops them with a warning). A sample's time must be a date from 1970 to 9999 (isUnixTime): one
 * that is not (1e300, 1e999) is refused where it stands, as nothing downstream could place it.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataError } from '../errors.js';
import { fieldColumn, fileDigest } from '../scenario/source.js';
import { isUnixTime, parseTime } from './time.js';
import type { SeriesBuilder } from './series.js';

export type MetricsFormat = 'json' | 'text' | 'csv';

const MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** Why a sample's time is refused: a date before 1970 or after 9999, or no date at all (1e999). */
function timeRangeProblem(text: string): string {
  return `timestamp ${JSON.stringify(text)} is not a time from 1970 to 9999`;
}

/** A sample value as Prometheus writes it. */
export function promValue(text: string): number {
  const s = text.trim();
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function isNumberText(s: string): boolean {
  const t = s.trim();
  return (
    ['NaN', '+Inf', 'Inf', '-Inf'].includes(t) ||
    /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(t)
  );
}

export function detectFormat(file: string, text: string): MetricsFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  const first = head.split(/\r?\n/, 1)[0] ?? '';
  if (/^"?timestamp"?\s*,/i.test(first)) return 'csv';
  return 'text';
}

/**
 * Imports one recorded metrics file into `into`; returns its format and, for the report's list of
 * files read, its size and sha256.
 */
export function readMetricsFile(
  file: string,
  into: SeriesBuilder,
): { format: MetricsFormat; input: { bytes: number; sha256: string } } {
  let text: string;
  let input: { bytes: number; sha256: string };
  try {
    if (statSync(file).size > MAX_BYTES) throw new DataError(`${file}: larger than 2 GiB`);
    const bytes = readFileSync(file);
    input = fileDigest(bytes);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      `${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
    );
  }
  const format = detectFormat(file, text);
  if (format === 'json') importJson(file, text, into);
  else if (format === 'csv') importCsv(file, text, into);
  else importText(file, text, into);
  return { format, input };
}

/** line:col of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') (line++, (col = 1));
    else col++;
  }
  return `${line}:${col}`;
}

/**
 * Where JSON text stops being valid (V8's message does not always say): a recursive-descent scan,
 * run only after JSON.parse has failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') (i++, 0);
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') (i++, 0);
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)/.exec(
        text.slice(i, i + 64),
      );
      if (!m) fail();
      i += m![0].length;
    }
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

/** A query_range (or query) response body. */
export function importJson(file: string, text: string, into: SeriesBuilder, fallbackName?: string): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const pos = /position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    throw new DataError(
      `${file}:${lineCol(text, offset)}: not valid JSON (${msg.replace(/, (\.\.\.)?".*$/, '')})`,
    );
  }
  const responses = Array.isArray(body) ? body : [body];
  responses.forEach((r, k) =>
    importResponse(`${file}${responses.length > 1 ? ` [${k}]` : ''}`, r, into, fallbackName),
  );
}

export function importResponse(where: string, r: unknown, into: SeriesBuilder, fallbackName?: string): void {
  const o = r as {
    status?: unknown;
    error?: unknown;
    errorType?: unknown;
    data?: { resultType?: unknown; result?: unknown };
  };
  if (typeof o !== 'object' || o === null)
    throw new DataError(`${where}: not a Prometheus API response (an object with status and data)`);
  if (o.status === 'error')
    throw new DataError(
      `${where}: the query failed: ${String(o.errorType ?? 'error')}: ${String(o.error ?? '')}`,
    );
  if (o.status !== 'success' || typeof o.data !== 'object' || o.data === null)
    throw new DataError(`${where}: not a Prometheus API response (status "success" and data expected)`);
  const type = o.data.resultType;
  const result = o.data.result;
  if ((type !== 'matrix' && type !== 'vector') || !Array.isArray(result))
    throw new DataError(
      `${where}: ${type === undefined ? 'no resultType' : `resultType ${JSON.stringify(type)}`}${Array.isArray(result) ? '' : ' or no result list'}: a matrix (query_range) or a vector was expected`,
    );
  result.forEach((item: unknown, i: number) => {
    const it = item as { metric?: Record<string, unknown>; values?: unknown; value?: unknown };
    const at = `${where}: data.result[${i}]`;
    if (typeof it !== 'object' || it === null || typeof it.metric !== 'object' || it.metric === null)
      throw new DataError(`${at}: a series needs metric labels`);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(it.metric)) {
      if (typeof v !== 'string') throw new DataError(`${at}.metric.${k}: a label value must be a string`);
      labels[k] = v;
    }
    const name = labels.__name__ ?? fallbackName;
    if (name === undefined)
      throw new DataError(
        `${at}: a series without __name__ (an aggregated query?): query each metric by name, e.g. ei_infer_fps{namespace="default"}`,
      );
    const key = type === 'matrix' ? 'values' : 'value';
    const samples = type === 'matrix' ? it.values : [it.value];
    if (!Array.isArray(samples) || (type === 'vector' && it.value === undefined))
      throw new DataError(
        `${at}: ${type === 'matrix' ? 'values must be a list of samples' : 'value must be a sample'} [unix seconds, "value"]`,
      );
    samples.forEach((p: unknown, j: number) => {
      const place = type === 'matrix' ? `${at}.values[${j}]` : `${at}.value`;
      if (
        !Array.isArray(p) ||
        p.length !== 2 ||
        typeof p[0] !== 'number' ||
        typeof p[1] !== 'string' ||
        !isNumberText(p[1])
      )
        throw new DataError(`${place}: a sample is [unix seconds, "value"], not ${JSON.stringify(p)}`);
      if (!isUnixTime(p[0])) throw new DataError(`${place}: ${timeRangeProblem(String(p[0]))}`);
      into.add(name, labels, p[0], promValue(p[1]));
    });
  });
}

/** Labels `{a="x",b="y"}` from `text` at `i` (just after `{`); returns the end index after `}`. */
function parseLabels(text: string, i: number, where: () => string, out: Record<string, string>): number {
  const n = text.length;
  const skip = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skip();
  if (text[i] === '}') return i + 1;
  for (;;) {
    skip();
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!m) throw new DataError(`${where()}: a label name expected`);
    const key = m[0];
    i += key.length;
    skip();
    if (text[i] !== '=') throw new DataError(`${where()}: '=' expected after label ${key}`);
    i++;
    skip();
    if (text[i] !== '"') throw new DataError(`${where()}: a quoted value expected for label ${key}`);
    i++;
    let v = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\') {
        const c = text[i + 1];
        v += c === 'n' ? '\n' : c;
        i += 2;
      } else v += text[i++];
    }
    if (i >= n) throw new DataError(`${where()}: the value of label ${key} is not closed`);
    i++;
    out[key] = v;
    skip();
    if (text[i] === ',') {
      i++;
      skip();
      if (text[i] === '}') return i + 1;
      continue;
    }
    if (text[i] === '}') return i + 1;
    throw new DataError(`${where()}: ',' or '}' expected`);
  }
}

/** Prometheus exposition text (timestamps in ms) or OpenMetrics (seconds, `# EOF`). */
export function importText(file: string, text: string, into: SeriesBuilder): void {
  const lines = text.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  const openMetrics = last >= 0 && lines[last].trim() === '# EOF';
  const unit = openMetrics ? 1 : 1e-3;
  let samples = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (line.trim() === '' || line.startsWith('#')) {
      if (openMetrics && line.trim() === '# EOF' && ln < last)
        throw new DataError(`${file}:${ln + 1}:1: # EOF before the end of the file`);
      continue;
    }
    let col = 0;
    const where = () => `${file}:${ln + 1}:${col + 1}`;
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!m) throw new DataError(`${where()}: a metric name expected`);
    const name = m[0];
    col = name.length;
    const labels: Record<string, string> = {};
    if (line[col] === '{') col = parseLabels(line, col + 1, where, labels);
    const rest = line.slice(col).trim().split(/\s+/);
    col = line.length - line.slice(col).trimStart().length;
    if (rest.length < 1 || rest[0] === '' || !isNumberText(rest[0]))
      throw new DataError(`${where()}: a sample value expected, not ${JSON.stringify(rest[0] ?? '')}`);
    if (rest.length < 2)
      throw new DataError(
        `${where()}: a sample without a timestamp cannot be placed in time (export with timestamps, or use query_range JSON)`,
      );
    if (rest.length > 2 && !rest[2].startsWith('#'))
      throw new DataError(
        `${where()}: unexpected ${JSON.stringify(rest.slice(2).join(' '))} after the timestamp`,
      );
    const ts = Number(rest[1]);
    if (!isNumberText(rest[1]) || !Number.isFinite(ts))
      throw new DataError(`${where()}: ${JSON.stringify(rest[1])} is not a timestamp`);
    if (!isUnixTime(ts * unit)) {
      col = line.indexOf(rest[1], col + rest[0].length);
      throw new DataError(
        `${where()}: ${timeRangeProblem(rest[1])}${openMetrics ? '' : ' (Prometheus text: milliseconds)'}`,
      );
    }
    into.add(name, labels, ts * unit, promValue(rest[0]));
    samples++;
  }
  if (samples === 0) throw new DataError(`${file}: no samples`);
}

/** CSV: timestamp,metric,<label>...,value with a header row. */
export function importCsv(file: string, text: string, into: SeriesBuilder): void {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      comment: '#',
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new DataError(`${file}${err.lines ? `:${err.lines}` : ''}: not valid CSV (${err.message})`);
  }
  if (rows.length === 0)
    throw new DataError(`${file}: empty; a header timestamp,metric,<labels>...,value is expected`);
  const header = rows[0].record.map((h) => h.trim());
  const ti = header.indexOf('timestamp');
  const mi = header.indexOf('metric');
  const vi = header.indexOf('value');
  if (ti !== 0 || mi < 0 || vi !== header.length - 1)
    throw new DataError(
      `${file}:${rows[0].info.lines}:1: the header must be timestamp,metric,<label>...,value (found ${header.join(',')})`,
    );
  // Lines are split only for a message: where field `c` of the record ending on line `ln` starts.
  let lines: string[] | null = null;
  const at = (ln: number, c: number) => {
    lines ??= text.split(/\r?\n/);
    return `${file}:${ln}:${fieldColumn(lines[ln - 1] ?? '', c)}`;
  };
  const labelCols = header.map((h, i) => ({ h, i })).filter(({ i }) => i !== ti && i !== mi && i !== vi);
  for (const { h, i } of labelCols)
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(h))
      throw new DataError(`${at(rows[0].info.lines, i)}: ${JSON.stringify(h)} is not a label name`);
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    const where = (c: number) => at(info.lines, c);
    if (record.length !== header.length)
      throw new DataError(`${where(0)}: ${record.length} columns, the header has ${header.length}`);
    const t = parseTime(record[ti]);
    if (t === null)
      throw new DataError(
        `${where(ti)}: timestamp ${JSON.stringify(record[ti])} is not Unix seconds or RFC 3339 from 1970 to 9999`,
      );
    const name = record[mi];
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name))
      throw new DataError(`${where(mi)}: ${JSON.stringify(name)} is not a metric name`);
    if (!isNumberText(record[vi]))
      throw new DataError(`${where(vi)}: value ${JSON.stringify(record[vi])} is not a number`);
    const labels: Record<string, string> = {};
    for (const { h, i } of labelCols) if (record[i] !== '') labels[h] = record[i];
    into.add(name, labels, t, promValue(record[vi]));
  }
}
