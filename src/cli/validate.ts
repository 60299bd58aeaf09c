import { ConfigError } from '../errors.js';
import { checkScenarioFile } from '../scenario/load.js';

export function runValidate(file: string): number {
  const r = checkScenarioFile(file);
  if (!r.ok) throw new ConfigError(r.issues);
  const s = r.scenario;
  process.stdout.write(
    `OK ${file}: ${s.services.length} service(s), ${s.streams.length} stream group(s), ` +
      `${s.nodePools.reduce((a, p) => a + p.count, 0)} node(s), ${s.durationUs / 1e6} s\n`,
  );
  return 0;
}
