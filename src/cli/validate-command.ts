/**
 * `inferscale validate FILE` whole, its errors turned into messages and an exit code here: the
 * entry of the one-file bundle that `npm run build` makes (dist/src/cli/validate.bundle.js, see
 * test/helpers/bundle-cli.ts). The bundle has its own copy of the error classes, so the errors
 * it throws must be reported by its own reportError: main.ts's would not recognise them.
 */
import { reportError } from './errors.js';
import { runValidate } from './validate.js';

export function validateCommand(file: string, debug: boolean): number {
  try {
    return runValidate(file);
  } catch (e) {
    return reportError(e, debug);
  }
}
