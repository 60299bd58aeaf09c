/**
 * The two autoscalers that look ahead: `predictive` (Holt-Winters forecasts fed to the service's
 * own HPA) and `oracle` (the offline lower bound that knows the future load).
 */
import { Type } from '@sinclair/typebox';
import { Duration, Obj } from './schema-base.js';

export const PredictiveSettings = Obj(
  {
    alpha: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Level smoothing (default 0.5).' }),
    ),
    beta: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Trend smoothing (default 0.3).' }),
    ),
    gamma: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Seasonal smoothing (default 0.1; with seasonPeriod).',
      }),
    ),
    seasonPeriod: Type.Optional(Duration),
    horizon: Type.Optional(Duration),
  },
  {
    description:
      "Forecast the service's HPA metrics with Holt-Winters `horizon` ahead (default: the mean pod start delay) and let the HPA decide on the forecast; needs hpa or autoscale on the same service.",
  },
);

export const OracleSettings = Obj(
  {
    lead: Type.Optional(Duration),
    minReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Default 0.' })),
    maxReplicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Default 100.' })),
  },
  {
    description:
      "The offline lower bound: knows the future load and the start delays and sets, at each moment, the fewest replicas the queueing model says meet the scenario's slo, started `lead` ahead (default: the mean pod start delay).",
  },
);
