/** Writing a report folder whole or not at all: a temporary sibling folder, renamed into place. */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeAtomically(outDir: string, files: { path: string; content: string }[]): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const f of files) {
      const path = join(tmp, ...f.path.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    if (existsSync(outDir)) {
      renameSync(outDir, `${tmp}.old`);
      renameSync(tmp, outDir);
      rmSync(`${tmp}.old`, { recursive: true, force: true });
    } else renameSync(tmp, outDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
