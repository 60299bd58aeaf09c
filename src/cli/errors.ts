/** The only place that turns errors into messages and exit codes. */
import { ConfigError, DataError, InvariantError, formatIssue } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** A plan (or another search) that found no answer meeting its objectives: an answer, not an error. */
export const EXIT_INFEASIBLE = 3;
/** An internal invariant broke: a bug (sysexits' EX_SOFTWARE). */
export const EXIT_BUG = 70;

export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof ConfigError) {
    for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
    process.stderr.write(
      `${e.issues.length} problem${e.issues.length === 1 ? '' : 's'} found; nothing was written.\n`,
    );
    return EXIT_USAGE;
  }
  if (e instanceof DataError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof InvariantError) {
    process.stderr.write(`internal error (a bug in inferscale, please report it): ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    return EXIT_BUG;
  }
  const err = e as NodeJS.ErrnoException;
  process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
  if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(run with --debug for details)\n');
  return EXIT_FAILURE;
}
