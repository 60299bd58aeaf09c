/** The only place that turns errors into messages and exit codes. */
import { ConfigError, DataError, InvariantError, formatIssue } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** A plan (or another search) that found no answer meeting its objectives: an answer, not an error. */
export const EXIT_INFEASIBLE = 3;
/** An internal invariant broke: a bug (sysexits' EX_SOFTWARE). */
export const EXIT_BUG = 70;

/** File-system errors that mean the output could not be written, in words. */
const OUTPUT_ERRNO: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
};

/**
 * A failure to write a command's output (disk full, read-only, no permission), said as one: what
 * could not be written, why, the file when the system named it, and what is still in place. Node's
 * own message ("ENOSPC: no space left on device, write") names neither the output nor the file.
 * Any other error is returned as it is.
 */
export function outputFailure(e: unknown, target: string, kept: string): unknown {
  const err = e as NodeJS.ErrnoException | null;
  const why = typeof err?.code === 'string' ? OUTPUT_ERRNO[err.code] : undefined;
  if (why === undefined) return e;
  const at = err?.path ? `, at ${err.path}` : '';
  return new Error(`could not write ${target}: ${why} (${err!.code}${at}); ${kept}`, { cause: e });
}

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
  if (debug && err?.stack) {
    process.stderr.write(`${err.stack}\n`);
    if (err.cause instanceof Error && err.cause.stack)
      process.stderr.write(`caused by: ${err.cause.stack}\n`);
  } else process.stderr.write('(run with --debug for details)\n');
  return EXIT_FAILURE;
}
