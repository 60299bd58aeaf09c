/**
 * `npm run build` (after tsc): bundles `inferscale validate` into one CommonJS file with esbuild,
 * dist/src/cli/validate.bundle.cjs, then validates the shipped scenarios with it and writes V8's
 * code cache beside it (src/cli/validate-entry.ts says why and when main.ts runs them).
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_CACHE_SUFFIX, VALIDATE_BUNDLE, codeCache, loadBundle } from '../../src/cli/validate-entry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const VALIDATE_BUNDLE_FILE = fileURLToPath(
  new URL(`../../src/cli/${VALIDATE_BUNDLE}`, import.meta.url),
);

/** Writes the bundle of dist/src/cli/validate-command.js to `outfile` (no code cache). */
export async function bundleValidate(outfile: string): Promise<void> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/cli/validate-command.js', import.meta.url))],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  // A warning (import.meta in a CommonJS bundle, say) would be a bundle that does not do what the
  // modules do: refuse it.
  const problems = [...result.errors, ...result.warnings].map((m) => m.text);
  if (problems.length > 0) throw new Error(`bundling validate: ${problems.join('; ')}`);
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex');
  rmSync(outfile + CODE_CACHE_SUFFIX, { force: true });
  writeFileSync(outfile, `// inferscale bundle ${hash}\n${code}`);
}

/** Validates the shipped scenarios with the bundle, then writes its code cache beside it. */
export function writeCodeCache(bundle: string): void {
  const loaded = loadBundle(bundle, false);
  const scenarios = readdirSync(join(ROOT, 'scenarios')).filter(
    (f) => f.endsWith('.yaml') && !f.startsWith('tune-'),
  );
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = () => true;
  try {
    // Only to run the code a validation runs; whether each is valid is test/e2e/cli.test.ts's business.
    for (const f of scenarios) loaded.command.validateCommand(join(ROOT, 'scenarios', f), false);
  } finally {
    [process.stdout.write, process.stderr.write] = [out, err];
  }
  writeFileSync(bundle + CODE_CACHE_SUFFIX, codeCache(loaded));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleValidate(VALIDATE_BUNDLE_FILE);
  writeCodeCache(VALIDATE_BUNDLE_FILE);
}
