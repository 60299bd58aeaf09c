/**
 * How `inferscale validate FILE` starts fast (issue 8: under 300 ms wall). Node 20 loads ES modules
 * one by one, and the ~300 files validate is made of (TypeBox alone is ~250) cost most of its
 * start-up; `npm run build` bundles them into one CommonJS file (test/helpers/bundle-cli.ts), and
 * beside it V8's code cache of that file after a few validations, so that neither the file nor the
 * functions a validation runs (the YAML parser's, the schema check's) are compiled again at each
 * start. Node 20 has no compile cache of its own (module.enableCompileCache is Node 22).
 *
 * The bundle is used only while it is at least as new as tsc's build info (tsconfig's
 * tsBuildInfoFile, rewritten whenever tsc writes anything), so after an edit and a `tsc` alone the
 * edited modules run. An installed package has no build info and runs the bundle. The code cache is
 * used only with the bundle it was made from (the first line of both names the bundle's hash) and
 * only if V8 accepts it (the same Node and flags); otherwise the bundle compiles as usual.
 */
import { createRequire } from 'node:module';
import type { Script } from 'node:vm';
import type * as ValidateCommand from './validate-command.js';

// Node's built-ins through require: importing node:fs as an ES module builds a facade of all its
// exports, whose getters load fs's streams (~5 ms of start-up that validate never uses).
const requireHere = createRequire(import.meta.url);
const { readFileSync, statSync } = requireHere('node:fs') as typeof import('node:fs');
const { dirname } = requireHere('node:path') as typeof import('node:path');
const { fileURLToPath } = requireHere('node:url') as typeof import('node:url');
const vm = requireHere('node:vm') as typeof import('node:vm');

export const VALIDATE_BUNDLE = 'validate.bundle.cjs';
export const VALIDATE_MODULE = 'validate-command.js';
export const CODE_CACHE_SUFFIX = '.v8cache';

/** The file to run, relative to `dir` (src/cli in dist); `buildInfo` is tsc's build info file. */
export function validateEntry(dir: URL, buildInfo: URL): string {
  const modified = (url: URL) => statSync(url, { throwIfNoEntry: false })?.mtimeMs;
  const bundle = modified(new URL(VALIDATE_BUNDLE, dir));
  const tsc = modified(buildInfo);
  return bundle !== undefined && (tsc === undefined || bundle >= tsc) ? VALIDATE_BUNDLE : VALIDATE_MODULE;
}

export interface LoadedBundle {
  command: typeof ValidateCommand;
  /** The script the bundle ran as, to make a code cache from once it has run. */
  script: Script;
  /** The bundle's first line, `// inferscale bundle <sha256>`, which its code cache starts with. */
  id: string;
  /** Whether a code cache was given and V8 took it. */
  cached: boolean;
}

/** Runs the bundle (a CommonJS file) the way Node runs one, from its code cache when that fits. */
export function loadBundle(bundle: string | URL, useCache = true): LoadedBundle {
  const file = typeof bundle === 'string' ? bundle : fileURLToPath(bundle);
  const source = readFileSync(file, 'utf8');
  const id = source.slice(0, source.indexOf('\n'));
  const cachedData = useCache ? codeCacheFor(file, id) : undefined;
  // The sources are ES modules, strict throughout; Node's own CommonJS wrapper, made strict.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { 'use strict'; ${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as typeof ValidateCommand };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  return { command: module.exports, script, id, cached };
}

function codeCacheFor(file: string, id: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file + CODE_CACHE_SUFFIX);
  } catch {
    return undefined;
  }
  const header = Buffer.from(`${id}\n`);
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** The code cache of a bundle that has run (its compiled functions included), as loadBundle reads it. */
export function codeCache(loaded: LoadedBundle): Buffer {
  return Buffer.concat([Buffer.from(`${loaded.id}\n`), loaded.script.createCachedData()]);
}
