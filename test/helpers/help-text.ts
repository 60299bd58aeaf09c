/**
 * The top-level help as yargs prints it (`inferscale --help --debug` takes the yargs path) at a given
 * width, for src/cli/help-text.ts: test/e2e/help.test.ts compares the stored texts with these, and
 * `npm run help-text` regenerates the file from them.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The widths help-text.ts stores: a pipe or file (100) and any terminal 110 columns or wider. */
export const STORED_WIDTHS = [100, 110] as const;

export function yargsHelp(width: number): string {
  // A pipe has no columns (yargs then wraps at 100); a preload gives stdout the columns of a terminal.
  const preload = `data:text/javascript,Object.defineProperty(process.stdout,'columns',{value:${width}})`;
  const args = width === 100 ? [CLI, '--help', '--debug'] : ['--import', preload, CLI, '--help', '--debug'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`inferscale --help --debug failed: ${r.stderr}`);
  return r.stdout;
}
