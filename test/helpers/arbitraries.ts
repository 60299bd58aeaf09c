/**
 * fast-check arbitraries for scenarios: valid scenario specs (as a user writes them, before
 * defaults), and mutations of them that must be refused (a key renamed, a type changed, a number
 * pushed out of range), each with the field path the loader must name.
 */
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';

export type Spec = Record<string, unknown>;

const ms = (min: number, max: number) => fc.integer({ min, max }).map((v) => `${v}ms`);

const distribution = fc.oneof(
  ms(1, 300).map((value) => ({ type: 'constant', value })),
  fc
    .tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }))
    .map(([a, b]) => ({ type: 'uniform', min: `${a}ms`, max: `${a + b}ms` })),
  ms(1, 300).map((mean) => ({ type: 'exponential', mean })),
  fc
    .tuple(fc.integer({ min: 20, max: 300 }), fc.integer({ min: 0, max: 50 }))
    .map(([m, sd]) => ({ type: 'normal', mean: `${m}ms`, sd: `${Math.floor((m * sd) / 100)}ms` })),
  fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.05, max: 2, noNaN: true }))
    .map(([m, cv]) => ({ type: 'lognormal', mean: `${m}ms`, cv: Math.round(cv * 100) / 100 })),
);

const startup = fc.oneof(
  ms(0, 20_000).map((value) => ({ type: 'constant', value })),
  fc.integer({ min: 0, max: 10 }).map((s) => ({ type: 'uniform', min: `${s}s`, max: `${s + 5}s` })),
);

const service = (models: string[]) =>
  fc
    .record({
      model: fc.constantFrom(...models),
      replicas: fc.integer({ min: 0, max: 4 }),
      queue: fc.record({
        capacity: fc.integer({ min: 1, max: 50 }),
        dropPolicy: fc.constantFrom('trim-on-pop', 'drop-newest', 'drop-oldest'),
      }),
      wakeup: fc.constantFrom('poll', 'notify'),
      batchSize: fc.integer({ min: 1, max: 3 }),
      threads: fc.integer({ min: 1, max: 2 }),
      startupDelay: startup,
      cpu: fc.constantFrom(0.25, 0.5, 1),
      autoscale: fc.option(
        fc
          .tuple(
            fc.integer({ min: 10, max: 200 }),
            fc.integer({ min: 1, max: 2 }),
            fc.integer({ min: 0, max: 4 }),
          )
          .map(([cpuPercent, min, extra]) => ({ cpuPercent, min, max: min + extra })),
        { nil: undefined },
      ),
    })
    .map(({ cpu, autoscale, replicas, ...rest }) => {
      const svc: Spec = { ...rest, resources: { requests: { cpu } } };
      if (autoscale) {
        svc.autoscale = autoscale;
        svc.replicas = Math.min(autoscale.max, Math.max(autoscale.min, replicas));
      } else svc.replicas = replicas;
      return svc;
    });

const schedule = (durationS: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, durationS - 1) }), { maxLength: 3 }).chain((times) =>
    fc.tuple(
      ...[...times]
        .sort((a, b) => a - b)
        .map((at) =>
          fc.record({
            at: fc.constant(`${at}s`),
            count: fc.integer({ min: 0, max: 5 }),
          }),
        ),
    ),
  );

const stream = (services: string[], durationS: number) =>
  fc.oneof(
    fc.record(
      {
        type: fc.constantFrom(...services),
        kind: fc.constantFrom('file', 'camera'),
        fps: fc.integer({ min: 1, max: 30 }),
        count: fc.integer({ min: 0, max: 5 }),
        phase: fc.constantFrom<unknown>(0, 'spread', 'random'),
        schedule: schedule(durationS),
      },
      { requiredKeys: ['type', 'fps'] },
    ),
    fc.record(
      {
        type: fc.constantFrom(...services),
        arrivals: fc.constant('poisson'),
        rate: fc.integer({ min: 1, max: 60 }),
        count: fc.integer({ min: 1, max: 3 }),
        schedule: schedule(durationS),
      },
      { requiredKeys: ['type', 'arrivals', 'rate'] },
    ),
  );

/** A valid scenario: 1-3 services on one node pool, 1-4 stream groups, 10-90 s. */
export const scenarioArb: fc.Arbitrary<Spec> = fc
  .record({
    services: fc.integer({ min: 1, max: 3 }),
    durationS: fc.integer({ min: 10, max: 90 }),
    stepS: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    nodes: fc.integer({ min: 1, max: 3 }),
    cores: fc.integer({ min: 2, max: 16 }),
    gflops: fc.double({ min: 0.05, max: 3, noNaN: true }).map((g) => Math.round(g * 100) / 100),
    serviceTime: distribution,
  })
  .chain((base) => {
    const names = Array.from({ length: base.services }, (_, i) => `svc${i}`);
    return fc
      .record({
        services: fc.tuple(...names.map(() => service(['flops', 'timed']))),
        streams: fc.array(stream(names, base.durationS), { minLength: 1, maxLength: 4 }),
      })
      .map(({ services, streams }): Spec => ({
        name: 'generated',
        seed: base.seed,
        duration: `${base.durationS}s`,
        step: `${base.stepS}s`,
        cpuCatalog: { cpu10: { isa: ['avx2'], gflopsPerCore: { fp32: 10, int8: 20 } } },
        nodePools: { pool: { count: base.nodes, cores: base.cores, cpuType: 'cpu10' } },
        models: { flops: { gflops: base.gflops }, timed: { serviceTime: base.serviceTime } },
        services: Object.fromEntries(names.map((n, i) => [n, services[i]])),
        streams,
      }));
  });

type Segment = string | number;

/** Containers whose keys are names the user chose (renaming one is a valid scenario or another error). */
const NAME_MAPS = new Set(['services', 'models', 'nodePools', 'cpuCatalog']);

export function fieldPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

interface Place {
  path: Segment[];
  value: unknown;
  /** A key of a schema object (not a user's name), so renaming it is an unknown key. */
  renamable: boolean;
}

function places(value: unknown, path: Segment[] = [], out: Place[] = []): Place[] {
  if (Array.isArray(value)) value.forEach((v, i) => places(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    const isNameMap = path.length === 1 && NAME_MAPS.has(String(path[0]));
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: [...path, k], value: v, renamable: !isNameMap });
      places(v, [...path, k], out);
    }
  }
  return out;
}

export type Mutation =
  | { kind: 'rename'; path: Segment[]; field: string; value: string }
  | { kind: 'retype' | 'range'; path: Segment[]; field: string; value: unknown };

/** The key at `path` renamed to `<key>Typo`: the loader must name the new key as unknown. */
export function renameOf(path: Segment[]): Mutation {
  const key = `${String(path[path.length - 1])}Typo`;
  return { kind: 'rename', path, field: fieldPath([...path.slice(0, -1), key]), value: key };
}

/**
 * The path of every key of every value in `spec` that a union of `schema` checks (a distribution's
 * `type`, `mean`, ...), found by walking the spec beside the schema. Renaming one of these can
 * leave the loader without a variant to check the value against (a renamed `type`), which a
 * random rename among all keys reaches about once in 300 cases.
 */
export function unionKeyPaths(
  value: unknown,
  schema: TSchema,
  path: Segment[] = [],
  out: Segment[][] = [],
): Segment[][] {
  const s = schema as {
    anyOf?: TSchema[];
    properties?: Record<string, TSchema>;
    patternProperties?: Record<string, TSchema>;
    items?: TSchema;
  };
  const isMapping = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (s.anyOf) {
    if (!isMapping(value)) return out;
    for (const k of Object.keys(value)) out.push([...path, k]);
    // Unions inside the variant the value is (by its type) hold keys of their own.
    const variant = s.anyOf.find(
      (v) => (v as { properties?: { type?: { const?: unknown } } }).properties?.type?.const === value.type,
    );
    if (variant) unionKeyPaths(value, variant, path, out);
    return out;
  }
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => unionKeyPaths(v, s.items!, [...path, i], out));
    return out;
  }
  if (!isMapping(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const sub =
      s.properties && Object.hasOwn(s.properties, k)
        ? s.properties[k]
        : Object.values(s.patternProperties ?? {})[0];
    if (sub) unionKeyPaths(v, sub, [...path, k], out);
  }
  return out;
}

/** One mutation of `spec` that no valid scenario has, and the field the loader must name. */
export function mutationArb(spec: Spec): fc.Arbitrary<Mutation> {
  const all = places(spec);
  const renamable = all.filter((p) => p.renamable);
  const scalars = all.filter((p) => p.value === null || typeof p.value !== 'object');
  const numbers = scalars.filter((p) => typeof p.value === 'number');
  const options: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom(...renamable).map((p) => renameOf(p.path)),
    fc
      .tuple(fc.constantFrom(...scalars), fc.constantFrom<unknown>(true, { unexpected: 1 }, [[]], null))
      .map(([p, value]) => ({ kind: 'retype' as const, path: p.path, field: fieldPath(p.path), value })),
  ];
  if (numbers.length > 0)
    options.push(
      fc
        .tuple(fc.constantFrom(...numbers), fc.constantFrom(-1, 1e15, -1e-9))
        .map(([p, value]) => ({ kind: 'range' as const, path: p.path, field: fieldPath(p.path), value })),
    );
  return fc.oneof(...options);
}

export function applyMutation(spec: Spec, m: Mutation): Spec {
  const copy = structuredClone(spec);
  let parent = copy as Record<Segment, unknown>;
  for (const s of m.path.slice(0, -1)) parent = parent[s] as Record<Segment, unknown>;
  const last = m.path[m.path.length - 1];
  if (m.kind === 'rename') {
    // Keep the key's place in the object, so the file reads as a user's typo would.
    const entries = Object.entries(parent).map(([k, v]) => (k === last ? [m.value, v] : [k, v]));
    for (const k of Object.keys(parent)) delete parent[k];
    Object.assign(parent, Object.fromEntries(entries));
  } else parent[last] = m.value;
  return copy;
}
