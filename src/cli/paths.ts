import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root (dist/src/cli -> three levels up). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built-in default scenario: the seed demo with the seed's two HPAs. */
export const DEFAULT_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'seed-demo-hpa.yaml');
