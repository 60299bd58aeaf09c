/**
 * Ctrl-C (SIGINT) and SIGTERM while a long command waits on its worker threads: say what is kept
 * and where, then exit 130 (143 for SIGTERM), as a shell expects of an interrupted program.
 *
 * The handler runs on the main thread between tasks, never in the middle of a synchronous write
 * (checkpoint appends and report renames are synchronous), so what it reports is what is on disk.
 * `simulate` has its own handler (cli/simulate.ts): it aborts the run, which looks at the event loop
 * between slices of events, and removes its temp folder before it says so.
 */
export function onInterrupt(say: () => string): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\ninterrupted (${signal}): ${say()}\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
