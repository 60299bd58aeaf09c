/**
 * The "Files read" section of a replay's summary.md: every file the replay read, with its size and
 * sha256, and the Prometheus it queried in live mode. The URL is shown without user:password or
 * query string; the bearer token file is never listed (its size and hash would say something
 * about the secret).
 */
import { inputFilesTable } from '../report/markdown.js';
import type { InputFile } from '../scenario/types.js';
import { shownUrl } from './prometheus.js';

export function filesReadMarkdown(files: readonly InputFile[], prometheusUrl: string | null): string {
  const blocks = ['## Files read', ''];
  if (files.length > 0)
    blocks.push(
      'Paths as given on the command line, or as the scenario or the mapping file gives them.',
      '',
      inputFilesTable(files),
      '',
    );
  if (prometheusUrl !== null)
    blocks.push(`Metrics queried from the Prometheus at \`${shownUrl(prometheusUrl)}\`.`, '');
  return blocks.join('\n');
}
