/**
 * `npm run build` (after tsc): bundles `inferscale validate` into one file with esbuild,
 * dist/src/cli/validate.bundle.js. Node 20 loads ES modules one by one, and the ~300 files that
 * validate is made of (TypeBox alone is ~250) took most of its start-up; one file loads in a
 * fraction of that (issue 8: under 300 ms). main.ts uses the bundle only while it is at least as
 * new as tsc's last output, so a `tsc` alone after an edit runs the edited modules instead.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { VALIDATE_BUNDLE } from '../../src/cli/validate-entry.js';

/** Writes the bundle of dist/src/cli/validate-command.js to `outfile`. */
export async function bundleValidate(outfile: string): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('../../src/cli/validate-command.js', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // yaml is CommonJS and requires Node's built-ins; an ES module bundle has no `require` of its own.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

export const VALIDATE_BUNDLE_FILE = fileURLToPath(
  new URL(`../../src/cli/${VALIDATE_BUNDLE}`, import.meta.url),
);

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleValidate(VALIDATE_BUNDLE_FILE);
