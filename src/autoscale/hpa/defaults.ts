/**
 * Production defaults: the kube-controller-manager flags (SPEC.md §2,
 * pkg/controller/podautoscaler/config/v1alpha1/defaults.go) and the API defaulting of
 * spec.behavior (SPEC.md §5.1, pkg/apis/autoscaling/v2/defaults.go).
 */
import type { ControllerConfig, HpaBehavior, HpaPolicy, HpaRules, HpaState, SelectPolicy } from './types.js';

/** kube-controller-manager defaults, Kubernetes v1.37. */
export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = Object.freeze({
  syncPeriodSeconds: 15,
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
  // horizontal.go: scaleUpLimitFactor = 2.0, scaleUpLimitMinimum = 4.0 (horizontal_test.go's init() sets 8).
  scaleUpLimitFactor: 2,
  scaleUpLimitMinimum: 4,
  featureGates: Object.freeze({
    // Alpha in 1.33, beta (on by default) from 1.35.
    HPAConfigurableTolerance: true,
    // Alpha: off unless enabled.
    HPAScaleToZero: false,
    // Beta (on by default) since 1.34.
    PodLevelResources: true,
  }),
});

/** One direction of spec.behavior as written: any field may be missing. */
export interface HpaRulesInput {
  stabilizationWindowSeconds?: number | null;
  selectPolicy?: SelectPolicy | null;
  policies?: HpaPolicy[] | null;
  tolerance?: number | null;
}

export interface HpaBehaviorInput {
  scaleUp?: HpaRulesInput | null;
  scaleDown?: HpaRulesInput | null;
}

/** defaults.go scaleUpRules: no stabilization, the larger of +4 pods or +100% every 15 s. */
function scaleUpDefaults(): HpaRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
    tolerance: null,
  };
}

/** defaults.go scaleDownRules: the window is left unset (the controller's flag), -100% every 15 s. */
function scaleDownDefaults(): HpaRules {
  return {
    stabilizationWindowSeconds: null,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    tolerance: null,
  };
}

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: every field that is set wins, field by field. */
function fill(written: HpaRulesInput | null | undefined, defaults: HpaRules): HpaRules {
  if (!written) return defaults;
  return {
    stabilizationWindowSeconds: written.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: written.selectPolicy ?? defaults.selectPolicy,
    // A policy list that is present replaces the defaults, even when empty (validation rejects that).
    policies: (written.policies ?? defaults.policies).map((p) => ({ ...p })),
    tolerance: written.tolerance ?? defaults.tolerance,
  };
}

/**
 * SetDefaults_HorizontalPodAutoscalerBehavior: applied only when spec.behavior is present, per
 * direction. An HPA without behavior keeps `behavior: null` and uses the legacy normalization.
 */
export function defaultBehavior(written: HpaBehaviorInput): HpaBehavior {
  return {
    scaleUp: fill(written.scaleUp, scaleUpDefaults()),
    scaleDown: fill(written.scaleDown, scaleDownDefaults()),
  };
}

/** The state of an HPA the controller has never synced. */
export function initialHpaState(): HpaState {
  return {
    recommendations: null,
    scaleUpEvents: [],
    scaleDownEvents: [],
    conditions: [],
    lastScaleTimeS: null,
  };
}
