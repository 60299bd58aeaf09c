/** Writing a report folder whole or not at all: a temporary sibling folder, renamed into place. */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { outputFailure } from './errors.js';
import { recoverPartials } from '../report/partials.js';
import { swapInto, writeFiles } from '../report/write.js';

/**
 * Refuses an output path that holds the other kind of thing: a folder is renamed over what is at its
 * place (a file there would be deleted), and a file cannot be renamed over a folder. Checked before a
 * command runs, so a long run does not end in that error.
 */
export function checkOutputPath(path: string, kind: 'folder' | 'file', flag: string): void {
  const issue = (message: string) =>
    new ConfigError([{ file: '(command line)', line: 1, col: 1, field: flag, message }]);
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    // A file on the way: the first path above that exists is that file.
    let above = dirname(path);
    const exists = (p: string) => {
      try {
        return statSync(p, { throwIfNoEntry: false }) !== undefined;
      } catch {
        return false;
      }
    };
    while (dirname(above) !== above && !exists(above)) above = dirname(above);
    throw issue(`${above} is a file, so ${path} cannot be made: give a path in a folder`);
  }
  if (stat === undefined || stat.isDirectory() === (kind === 'folder')) return;
  throw issue(
    `${path} is a ${kind === 'folder' ? 'file' : 'folder'}, not a ${kind}: give ${
      kind === 'folder' ? 'a folder (new, or an earlier report to replace)' : 'a file path'
    }`,
  );
}

export function writeAtomically(outDir: string, files: { path: string; content: string }[]): void {
  checkOutputPath(outDir, 'folder', '--out');
  const hadFolder = existsSync(outDir);
  const parent = dirname(outDir);
  const tmp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  try {
    mkdirSync(parent, { recursive: true });
    recoverPartials(outDir);
    rmSync(tmp, { recursive: true, force: true });
    // Not recursive: a recursive mkdir reports a read-only file system as ENOENT.
    mkdirSync(tmp);
    writeFiles(tmp, files);
    swapInto(tmp, outDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw outputFailure(
      e,
      outDir,
      `nothing was written; ${hadFolder ? `${outDir} is as it was` : `${outDir} was not made`}`,
    );
  }
}
