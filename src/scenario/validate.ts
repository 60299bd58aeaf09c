/**
 * Structural validation against the TypeBox schema, with messages a person can act on: a union
 * that failed is explained through the variant the value meant (by its `type`), unknown keys list
 * the valid ones, and NaN / Infinity are named as such.
 */
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import type { ConfigIssue } from '../errors.js';
import { DURATION_MARK, DURATION_PATTERN, MAX_DURATION_S, NAME_PATTERN, ScenarioFile } from './schema.js';
import { parseDurationUs } from './duration.js';
import { QUANTITY_MARK } from './k8s-schema.js';
import { NUMBER_STRING_MARK } from './keda-schema.js';
import type { PathSegment, ScenarioSource } from './source.js';

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describeValue(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const DURATION_RE = new RegExp(DURATION_PATTERN);
const isDuration = (schema: TSchema) => (schema as { $comment?: string }).$comment === DURATION_MARK;

function literalsOf(schema: TSchema): string[] | null {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf || !anyOf.every((s) => 'const' in s)) return null;
  return anyOf.map((s) => String((s as unknown as { const: unknown }).const));
}

function typeDiscriminated(schema: TSchema): Map<string, TSchema> | null {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf) return null;
  const m = new Map<string, TSchema>();
  for (const s of anyOf) {
    const t = (s as { properties?: Record<string, TSchema> }).properties?.type;
    if (t && 'const' in t) m.set(String((t as unknown as { const: unknown }).const), s);
  }
  return m.size > 0 ? m : null;
}

function message(e: ValueError): string {
  const v = e.value;
  const s = e.schema as Record<string, unknown>;
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      return 'unknown key';
    }
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
      if (typeof v === 'number' && !Number.isFinite(v))
        return `must be a finite number, not ${describeValue(v)}`;
      return `must be ${e.type === ValueErrorType.Integer ? 'an integer' : 'a number'}, not ${describeValue(v)}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${s.minimum}, not ${describeValue(v)}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be greater than ${s.exclusiveMinimum}, not ${describeValue(v)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${s.maximum}, not ${describeValue(v)}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be less than ${s.exclusiveMaximum}, not ${describeValue(v)}`;
    case ValueErrorType.Boolean:
      return `must be true or false, not ${describeValue(v)}`;
    case ValueErrorType.String:
      return `must be a string, not ${describeValue(v)}`;
    case ValueErrorType.StringMinLength:
      return 'must not be empty';
    case ValueErrorType.StringPattern:
      return `${describeValue(v)} does not match ${s.pattern}`;
    case ValueErrorType.Object:
      return `must be a mapping, not ${describeValue(v)}`;
    case ValueErrorType.Array:
      return `must be a list, not ${describeValue(v)}`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${s.minItems} item(s)`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${s.maxItems} items`;
    case ValueErrorType.ArrayUniqueItems:
      return 'must not repeat an item';
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}, not ${describeValue(v)}`;
    default:
      return e.message;
  }
}

/** Every structural problem of `value` against `schema`, as issues placed in the source. */
export function schemaIssues(
  source: ScenarioSource,
  value: unknown,
  schema: TSchema = ScenarioFile,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  explain(source, schema, value, [], out);
  if (out.length === 0) durationLimits(source, schema, value, [], out);
  return out;
}

/**
 * The schema bounds a duration given as a number; one given as a string (`400d`) is checked here,
 * walking the value beside its schema.
 */
function durationLimits(
  source: ScenarioSource,
  schema: TSchema,
  value: unknown,
  path: PathSegment[],
  out: ConfigIssue[],
) {
  const s = schema as {
    anyOf?: TSchema[];
    properties?: Record<string, TSchema>;
    patternProperties?: Record<string, TSchema>;
    items?: TSchema;
  };
  if (isDuration(schema)) {
    if (typeof value === 'string' && parseDurationUs(value) > MAX_DURATION_S * 1e6) {
      out.push(source.issue(path, `must be at most 366d, not ${describeValue(value)}`));
    }
    return;
  }
  if (s.anyOf) {
    const variant =
      s.anyOf.find((v) => isDuration(v) && typeof value === 'string' && DURATION_RE.test(value)) ??
      typeDiscriminated(schema)?.get(String((value as { type?: unknown } | null)?.type));
    if (variant) durationLimits(source, variant, value, path, out);
    return;
  }
  if (Array.isArray(value) && s.items) {
    value.forEach((v, i) => durationLimits(source, s.items!, v, [...path, i], out));
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const sub =
        s.properties?.[k] ?? (s.patternProperties ? Object.values(s.patternProperties)[0] : undefined);
      if (sub) durationLimits(source, sub, v, [...path, k], out);
    }
  }
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let v = root;
  for (const seg of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[seg];
  return v;
}

function explain(
  source: ScenarioSource,
  schema: TSchema,
  value: unknown,
  base: PathSegment[],
  out: ConfigIssue[],
) {
  const seen = new Set<string>();
  const errors = [...Value.Errors(schema, value)];
  // A missing field is one problem: TypeBox also reports its (undefined) value's type.
  const missing = new Set(
    errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path),
  );
  for (const e of errors) {
    if (missing.has(e.path) && e.type !== ValueErrorType.ObjectRequiredProperty) continue;
    const rel = pointerToPath(e.path);
    const path = [...base, ...rel];
    const key = `${e.path}\u0000${e.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.type === ValueErrorType.Union) {
      explainUnion(source, e.schema, e.value, path, out);
      continue;
    }
    if (e.type === ValueErrorType.ObjectAdditionalProperties) {
      const parent = valueAt(value, rel.slice(0, -1));
      const parentSchema = (e.schema as { properties?: Record<string, unknown> }).properties;
      const valid = parentSchema ? Object.keys(parentSchema).filter((k) => k !== '$schema') : [];
      const msg =
        parentSchema && parent && typeof parent === 'object'
          ? `unknown key${valid.length ? `; valid keys here: ${valid.join(', ')}` : ''}`
          : `name ${describeValue(rel[rel.length - 1])} is not allowed: a name matches ${NAME_PATTERN}`;
      out.push(source.issue(path, msg, true));
      continue;
    }
    out.push(source.issue(path, message(e)));
  }
}

function explainUnion(
  source: ScenarioSource,
  schema: TSchema,
  value: unknown,
  path: PathSegment[],
  out: ConfigIssue[],
) {
  if ((schema as { $comment?: string }).$comment === QUANTITY_MARK) {
    if (typeof value === 'number' && Number.isFinite(value) && value > 1e12) {
      out.push(source.issue(path, `must be at most 1e12, not ${describeValue(value)}`));
      return;
    }
    out.push(
      source.issue(
        path,
        `must be a Kubernetes quantity (like 1, 0.5, 500m, 2k); not ${describeValue(value)}`,
      ),
    );
    return;
  }
  if ((schema as { $comment?: string }).$comment === NUMBER_STRING_MARK) {
    out.push(
      source.issue(
        path,
        `must be a number >= 0 (or a string of one, as KEDA writes it); not ${describeValue(value)}`,
      ),
    );
    return;
  }
  if (isDuration(schema)) {
    out.push(
      source.issue(
        path,
        `must be a duration: seconds (a number >= 0) or a string like 250ms, 90s, 5m, 1h; not ${describeValue(value)}`,
      ),
    );
    return;
  }
  const anyOfTypes = ((schema as { anyOf?: TSchema[] }).anyOf ?? []).map(
    (s) => (s as { type?: unknown }).type,
  );
  if (anyOfTypes.includes('boolean')) {
    out.push(source.issue(path, `must be true or false; not ${describeValue(value)}`));
    return;
  }
  const literals = literalsOf(schema);
  if (literals) {
    out.push(source.issue(path, `must be one of ${literals.join(', ')}; not ${describeValue(value)}`));
    return;
  }
  const variants = typeDiscriminated(schema);
  if (variants && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const t = (value as Record<string, unknown>).type;
    const variant = typeof t === 'string' ? variants.get(t) : undefined;
    if (variant) {
      explain(source, variant, value, path, out);
    } else {
      out.push(
        source.issue(
          [...path, 'type'],
          `must be one of ${[...variants.keys()].join(', ')}; not ${t === undefined ? 'missing' : describeValue(t)}`,
        ),
      );
      // Without a variant to check against, a key that none of them takes would go unnamed: a
      // misspelt `type` (`typo: exponential`) must be named as well as the missing `type`. With no
      // `type` (missing or empty) the value can only be one of these variants, so keys inside it are checked too;
      // with a `type` we do not know (`kafka`) the keys inside belong to that type, and naming
      // them would give one mistake many issues.
      out.push(
        ...unknownKeysOfAny(source, [...variants.values()], value, {
          path,
          deep: t === undefined || t === null,
        }),
      );
    }
    return;
  }
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf ?? [];
  const durationIn = anyOf.some(isDuration);
  if (durationIn && variants) {
    out.push(
      source.issue(
        path,
        `must be a duration (like 5s) or a distribution {type: ${[...variants.keys()].join('|')}, ...}; not ${describeValue(value)}`,
      ),
    );
    return;
  }
  if (variants) {
    out.push(
      source.issue(
        path,
        `must be a mapping {type: ${[...variants.keys()].join('|')}, ...}; not ${describeValue(value)}`,
      ),
    );
    return;
  }
  if (durationIn) {
    const others = literalsOf({ anyOf: anyOf.filter((s) => !isDuration(s)) } as unknown as TSchema);
    out.push(
      source.issue(
        path,
        `must be a duration (like 5s)${others ? ` or one of ${others.join(', ')}` : ''}; not ${describeValue(value)}`,
      ),
    );
    return;
  }
  out.push(source.issue(path, `has the wrong form: ${describeValue(value)}`));
  out.push(...unknownKeysOfAny(source, anyOf, value, { path }));
}

/**
 * The keys of `value` that none of `candidates` takes, each named as an unknown key with the keys
 * that some candidate does take; with `deep`, for a key some of them take, the same again inside
 * its value against what those take there. This is how a value that no single schema can be checked
 * against (a union whose `type` is missing or misspelt, a manifest of no known kind) still has the
 * keys nobody reads named: `{typo: redis, metadata: {listNme: q}}` names `typo` and
 * `metadata.listNme`. Where any candidate takes every key (a loose object, a record of any name,
 * Type.Unknown), nothing below it is called unknown.
 */
export function unknownKeysOfAny(
  source: ScenarioSource,
  candidates: readonly TSchema[],
  value: unknown,
  { path = [], deep = true }: { path?: PathSegment[]; deep?: boolean } = {},
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  collectUnknownKeys(source, candidates, value, path, deep, out);
  return out;
}

function collectUnknownKeys(
  source: ScenarioSource,
  candidates: readonly TSchema[],
  value: unknown,
  path: PathSegment[],
  deep: boolean,
  out: ConfigIssue[],
) {
  const options = candidates.flatMap(membersOf);
  if (Array.isArray(value)) {
    const lists = options.filter((c) => (c as { type?: unknown }).type === 'array');
    const items = lists.map((c) => (c as { items?: TSchema }).items);
    if (items.length === 0 || items.includes(undefined)) return;
    value.forEach((v, i) => collectUnknownKeys(source, items as TSchema[], v, [...path, i], deep, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // A schema with no type (Type.Unknown) takes a mapping with any keys.
  if (options.some((c) => (c as { type?: unknown }).type === undefined)) return;
  const objects = options.filter((c) => (c as { type?: unknown }).type === 'object') as ObjectSchema[];
  if (objects.length === 0) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const takers = objects.map((o) => takerOf(o, k));
    if (takers.includes(ANY)) continue;
    const subs = takers.filter((t): t is TSchema => t !== null && t !== ANY);
    if (subs.length > 0) {
      if (deep) collectUnknownKeys(source, subs, v, [...path, k], deep, out);
      continue;
    }
    const valid = [...new Set(objects.flatMap((o) => Object.keys(o.properties ?? {})))].filter(
      (key) => key !== '$schema',
    );
    const patterns = [...new Set(objects.flatMap((o) => Object.keys(o.patternProperties ?? {})))];
    const pattern = patterns.join(' or ');
    out.push(
      source.issue(
        [...path, k],
        valid.length === 0 && pattern
          ? `name ${describeValue(k)} is not allowed: a name matches ${pattern}`
          : `unknown key; valid keys here: ${valid.join(', ')}${pattern ? `, or a name that matches ${pattern}` : ''}`,
        true,
      ),
    );
  }
}

interface ObjectSchema {
  properties?: Record<string, TSchema>;
  patternProperties?: Record<string, TSchema>;
  additionalProperties?: boolean | TSchema;
}

const ANY = Symbol('any value');

/** A union's members, each union among them opened too. */
function membersOf(schema: TSchema): TSchema[] {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  return anyOf ? anyOf.flatMap(membersOf) : [schema];
}

/** The schema an object schema checks key `k` against: null when it refuses the key, ANY when it takes any value. */
function takerOf(o: ObjectSchema, k: string): TSchema | typeof ANY | null {
  if (o.properties && Object.hasOwn(o.properties, k)) return o.properties[k];
  for (const [pattern, sub] of Object.entries(o.patternProperties ?? {})) {
    if (new RegExp(pattern).test(k)) return sub;
  }
  if (o.additionalProperties === false) return null;
  return typeof o.additionalProperties === 'object' ? o.additionalProperties : ANY;
}
