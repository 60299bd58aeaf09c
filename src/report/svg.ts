/**
 * Renders a Vega-Lite spec to SVG in Node, without a browser or a canvas:
 *
 *   Vega-Lite spec -> compile to Vega -> headless view (renderer 'none') -> SVG text
 *     -> ids renumbered per chart (vega numbers clip paths with a process-wide counter)
 *
 * vega and vega-lite are loaded on first use, so commands that draw nothing do not pay for them.
 * `startSvgWorker` does the same on a worker thread that warms up while the caller simulates.
 */
import { Worker } from 'node:worker_threads';
import type { VlSpec } from './charts.js';
import type { RenderReply, RenderRequest } from './svg-worker.js';

/** Warnings from vega-lite or vega; our own specs should give none (the tests check). */
export interface RenderedSvg {
  svg: string;
  warnings: string[];
}

interface Logger {
  level(): number;
  level(level: number): Logger;
  error(...args: unknown[]): Logger;
  warn(...args: unknown[]): Logger;
  info(...args: unknown[]): Logger;
  debug(...args: unknown[]): Logger;
}

/** A logger that keeps warnings and errors instead of printing them. */
function collectingLogger(into: string[]): Logger {
  const logger: Logger = {
    level: ((level?: number) => (level === undefined ? 2 : logger)) as Logger['level'],
    error: (...args) => (into.push(args.map(String).join(' ')), logger),
    warn: (...args) => (into.push(args.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

function loadLibraries() {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  return libraries;
}

/** Compiles `spec` to a Vega spec (for tests and for rendering). */
export async function compileToVega(spec: VlSpec): Promise<{ vega: unknown; warnings: string[] }> {
  const [, vl] = await loadLibraries();
  const warnings: string[] = [];
  const compiled = vl.compile(spec as never, { logger: collectingLogger(warnings) as never });
  return { vega: compiled.spec, warnings };
}

/** Renders `spec` to SVG; ids in the SVG are prefixed with `idPrefix` so several can share a page. */
export async function renderSvg(spec: VlSpec, idPrefix: string): Promise<RenderedSvg> {
  const [vega] = await loadLibraries();
  const compiled = await compileToVega(spec);
  const warnings = compiled.warnings;
  const view = new vega.View(vega.parse(compiled.vega as never), {
    renderer: 'none',
    logger: collectingLogger(warnings) as never,
  });
  try {
    const svg = await view.toSVG();
    return { svg: `${renumberIds(svg, idPrefix)}\n`, warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Gives every id of an SVG a name from its order of appearance, and rewrites the references to it
 * (`url(#id)`, `href="#id"`), so the same chart renders to the same bytes whatever was rendered
 * before it in the process.
 */
export function renumberIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!names.has(m[1])) names.set(m[1], `${prefix}-${names.size + 1}`);
  }
  if (names.size === 0) return svg;
  const rename = (id: string) => names.get(id) ?? id;
  return svg.replace(
    /(\sid=")([^"]+)(")|(url\(#)([^)]+)(\))|(href="#)([^"]+)(")/g,
    (whole, a1, id1, a3, b1, id2, b3, c1, id3, c3) =>
      id1 !== undefined
        ? `${a1}${rename(id1)}${a3}`
        : id2 !== undefined
          ? `${b1}${rename(id2)}${b3}`
          : id3 !== undefined
            ? `${c1}${rename(id3)}${c3}`
            : whole,
  );
}

/** Renders specs to SVG somewhere: in this thread, or on a worker that warmed up meanwhile. */
export interface SvgRenderer {
  render(spec: VlSpec, idPrefix: string): Promise<RenderedSvg>;
  close(): Promise<void>;
}

export const renderInThread: SvgRenderer = { render: renderSvg, close: async () => undefined };

/**
 * Starts a worker thread that loads vega and warms it up now, while the caller simulates: drawing a
 * report's charts cold costs several times what drawing them warm does. Same code, same bytes.
 */
export function startSvgWorker(): SvgRenderer {
  // A larger young generation: drawing allocates many short-lived objects, and with the default
  // the worker spent about a fifth of its time in scavenges.
  const worker = new Worker(new URL('./svg-worker.js', import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: 48 },
  });
  const waiting = new Map<number, { resolve: (r: RenderedSvg) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    worker.unref();
  };
  worker.on('message', (reply: RenderReply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if ('error' in reply) w.reject(new Error(`rendering a chart failed: ${reply.error}`));
    else w.resolve({ svg: reply.svg, warnings: reply.warnings });
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the chart renderer stopped (exit code ${code})`)));
  // The worker keeps the process alive only while a chart is being drawn, so a caller that never
  // closes it (after an exception, say) does not hang.
  worker.unref();
  return {
    render(spec, idPrefix) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const request: RenderRequest = { id, spec, idPrefix };
      return new Promise((resolve, reject) => {
        if (waiting.size === 0) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage(request);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * Several workers (one per core, at most `count`), each warming up meanwhile; chart i goes to
 * worker i mod count. Each chart's SVG depends only on its spec, so the bytes are the same for any
 * count.
 */
export function startSvgWorkers(count: number): SvgRenderer {
  if (count <= 1) return startSvgWorker();
  const workers = Array.from({ length: count }, () => startSvgWorker());
  let next = 0;
  return {
    render(spec, idPrefix) {
      const w = workers[next];
      next = (next + 1) % workers.length;
      return w.render(spec, idPrefix);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
