/**
 * Adapter from reference/autoscalers/keda-vectors.json (one RequestScale() call of KEDA's own
 * loop per case, KEDA.md section 3) to `requestScale`, for `npm run conformance -- keda FILE` and
 * the tests. "now" is well after the creation time, as the file says.
 */
import { compare, type Field, type FieldCheck, parseVectorArrays } from '../vector-input.js';
import { requestScale } from './executor.js';

const NOW_S = 10_000;

export interface KedaVectorCase {
  name: string;
  check(): FieldCheck[];
}

export function parseKedaVectors(text: string, file: string): KedaVectorCase[] {
  const { executor_cases: cases } = parseVectorArrays(text, file, ['executor_cases']);
  return cases.map((c) => {
    const source = c.get('source_test').str();
    return { name: source.slice(source.lastIndexOf(':') + 1), check: () => checkExecutorCase(c) };
  });
}

function checkExecutorCase(c: Field): FieldCheck[] {
  const spec = c.get('spec');
  const annotations = spec.get('annotations');
  const flag = (k: string) =>
    annotations.has(`autoscaling.keda.sh/${k}`) &&
    annotations.get(`autoscaling.keda.sh/${k}`).str() === 'true';
  const input = c.get('input');
  const lastActive = c
    .get('status')
    .get('lastActiveTime')
    .opt((f) => f.num());
  const r = requestScale(
    {
      minReplicaCount: spec.get('minReplicaCount').opt((f) => f.num()) ?? 0,
      idleReplicaCount: spec.get('idleReplicaCount').opt((f) => f.num()),
      cooldownPeriodSeconds: 300,
      initialCooldownPeriodSeconds: 0,
      annotations: {
        paused: flag('paused'),
        pausedScaleIn: flag('paused-scale-in'),
        pausedScaleOut: flag('paused-scale-out'),
        forceActivation: flag('force-activation'),
      },
      fallbackReplicas: null,
    },
    {
      currentReplicas: input.get('current_replicas').num(),
      isActive: input.get('isActive').bool(),
      isError: input.get('isError').bool(),
      lastActiveTimeS: lastActive === null ? null : NOW_S + lastActive,
      createdAtS: 0,
      nowS: NOW_S,
    },
  );
  const expect = c.get('expect');
  const checks = [compare('replicas_after', expect.get('replicas_after').num(), r.replicas)];
  if (expect.has('lastActiveTime_set'))
    checks.push(
      compare('lastActiveTime_set', expect.get('lastActiveTime_set').bool(), r.lastActiveTimeS !== null),
    );
  return checks;
}
