/**
 * Which file `inferscale validate FILE` runs (issue 8, start-up under 300 ms). Node 20 loads ES
 * modules one by one, and the ~300 files validate is made of (TypeBox alone is ~250) cost most of
 * its start-up; `npm run build` bundles them into one (test/helpers/bundle-cli.ts). The bundle is
 * used only while it is at least as new as tsc's build info (tsconfig's tsBuildInfoFile, rewritten
 * whenever tsc writes anything), so after an edit and a `tsc` alone the edited modules run. An
 * installed package has no build info and runs the bundle.
 */
import { statSync } from 'node:fs';

export const VALIDATE_BUNDLE = 'validate.bundle.js';
export const VALIDATE_MODULE = 'validate-command.js';

/** The file to import, relative to `dir` (src/cli in dist); `buildInfo` is tsc's build info file. */
export function validateEntry(dir: URL, buildInfo: URL): string {
  const modified = (url: URL) => statSync(url, { throwIfNoEntry: false })?.mtimeMs;
  const bundle = modified(new URL(VALIDATE_BUNDLE, dir));
  const tsc = modified(buildInfo);
  return bundle !== undefined && (tsc === undefined || bundle >= tsc) ? VALIDATE_BUNDLE : VALIDATE_MODULE;
}
