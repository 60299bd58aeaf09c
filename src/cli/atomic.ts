/** Writing a report folder whole or not at all: a temporary sibling folder, renamed into place. */
import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { recoverPartials } from '../report/partials.js';
import { swapInto, writeFiles } from '../report/write.js';

export function writeAtomically(outDir: string, files: { path: string; content: string }[]): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  recoverPartials(outDir);
  const tmp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    writeFiles(tmp, files);
    swapInto(tmp, outDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
