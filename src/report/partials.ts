/**
 * What a killed run leaves beside its report folder, and putting it right. Writing `reports/NAME`
 * goes through two siblings (write.ts, cli/atomic.ts):
 *
 *   .NAME.partial-PID       the new report being written (incomplete until renamed)
 *   .NAME.partial-PID.old   the previous report, only between swapInto's two renames
 *
 * A run killed (SIGKILL, Ctrl-C, power loss) at any moment leaves NAME untouched, or — in the
 * instant between the two renames — NAME missing and its previous content in `.old`. The next
 * write to NAME calls `recoverPartials` first: for each leftover whose process is gone, a `.old`
 * goes back to NAME if NAME is missing, and everything else is deleted. `report DIR` replaces
 * DIR/charts, DIR/index.html and DIR/summary.md the same way, and recovers them the same way.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Restores or removes the leftovers of dead runs that wrote `outDir`; returns what it did. */
export function recoverPartials(outDir: string): string[] {
  const parent = dirname(outDir);
  const prefix = `.${basename(outDir)}.partial-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  // `.old` first: the previous report is worth more than an unfinished new one.
  const leftovers = names
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({
      name: n,
      pid: Number(n.slice(prefix.length).replace(/\.old$/, '')),
      old: n.endsWith('.old'),
    }))
    .filter((l) => Number.isInteger(l.pid) && l.pid > 0 && !processAlive(l.pid))
    .sort((a, b) => Number(b.old) - Number(a.old));
  for (const l of leftovers) {
    const path = join(parent, l.name);
    if (l.old && !existsSync(outDir)) {
      renameSync(path, outDir);
      done.push(`restored ${outDir} from ${path}, left by a run that stopped while replacing it`);
    } else {
      rmSync(path, { recursive: true, force: true });
      done.push(`removed ${path}, left by a run that stopped before finishing`);
    }
  }
  return done;
}
