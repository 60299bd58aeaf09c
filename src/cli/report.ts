import { resolve } from 'node:path';
import { regenerateReport } from '../report/write.js';
import { outputFailure } from './errors.js';
import { onInterrupt } from './interrupt.js';

export interface ReportArgs {
  dir: string;
  quiet?: boolean;
}

/** `inferscale report DIR`: charts, index.html and summary.md again from DIR's CSV and JSON files. */
export async function runReport(args: ReportArgs): Promise<number> {
  const dir = resolve(args.dir);
  // Ctrl-C while it reads or draws: the files are replaced only after, by synchronous renames.
  const stopListening = onInterrupt(() => `nothing was replaced; ${dir} is unchanged`);
  let files;
  try {
    files = await regenerateReport(dir);
  } catch (e) {
    throw outputFailure(
      e,
      `the charts, index.html and summary.md in ${dir}`,
      `nothing was replaced; ${dir} is unchanged`,
    );
  } finally {
    stopListening();
  }
  if (!args.quiet) {
    const charts = files.filter((f) => f.path.endsWith('.svg')).length;
    process.stdout.write(`report: ${dir} (${charts} charts, index.html, summary.md)\n`);
  }
  return 0;
}
