/**
 * Reading reference vector files (reference/hpa, reference/autoscalers): typed access to a case's
 * input with the field path in every error, and the comparison of one expected field that every
 * adapter returns to the conformance CLI and the tests.
 */
import { DataError } from '../errors.js';

/** One expected field against what the code produced. */
export interface FieldCheck {
  field: string;
  expected: unknown;
  actual: unknown;
  ok: boolean;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Typed access to a case's input, with the field path in every error. */
export class Field {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  private fail(what: string): never {
    throw new DataError(`${this.path}: expected ${what}, got ${JSON.stringify(this.value) ?? 'nothing'}`);
  }

  get(key: string): Field {
    if (!isObject(this.value)) this.fail('an object');
    return new Field(this.value[key], `${this.path}.${key}`);
  }

  has(key: string): boolean {
    return isObject(this.value) && key in this.value;
  }

  isNull(): boolean {
    return this.value === null || this.value === undefined;
  }

  num(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('a number');
    return this.value;
  }

  str(): string {
    if (typeof this.value !== 'string') this.fail('a string');
    return this.value;
  }

  bool(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value;
  }

  oneOf<T extends string>(options: readonly T[]): T {
    const s = this.str();
    if (!options.includes(s as T)) this.fail(`one of ${options.join(', ')}`);
    return s as T;
  }

  list(): Field[] {
    if (!Array.isArray(this.value)) this.fail('a list');
    return this.value.map((v, i) => new Field(v, `${this.path}[${i}]`));
  }

  /** null or missing -> null, else `read(this)`. */
  opt<T>(read: (f: Field) => T): T | null {
    return this.isNull() ? null : read(this);
  }
}

/** Parses a vectors file's JSON and returns the array under `key`; a DataError for anything else. */
export function parseVectorArrays(
  text: string,
  file: string,
  keys: readonly string[],
): Record<string, Field[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (!isObject(doc)) throw new DataError(`${file}: expected an object`);
  const out: Record<string, Field[]> = {};
  for (const k of keys) {
    if (!Array.isArray(doc[k])) throw new DataError(`${file}: expected an object with a "${k}" array`);
    out[k] = new Field(doc[k], `${file}: ${k}`).list();
  }
  return out;
}

/** One comparison: equal, or within `tolerance` for numbers when given. */
export function compare(field: string, expected: unknown, actual: unknown, tolerance = 0): FieldCheck {
  const ok =
    typeof expected === 'number' && typeof actual === 'number'
      ? Math.abs(expected - actual) <= tolerance
      : JSON.stringify(expected) === JSON.stringify(actual);
  return { field, expected, actual, ok };
}
