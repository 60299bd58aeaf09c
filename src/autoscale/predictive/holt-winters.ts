/**
 * Additive Holt-Winters exponential smoothing, as values (every update returns a new state):
 *
 *   level_k  = alpha (y_k - s_{k-m}) + (1 - alpha)(level_{k-1} + trend_{k-1})
 *   trend_k  = beta (level_k - level_{k-1}) + (1 - beta) trend_{k-1}
 *   s_k      = gamma (y_k - level_k) + (1 - gamma) s_{k-m}
 *   forecast(k + h) = level_k + h trend_k + s_{k+h-m}  (the season's slot of step k + h)
 *
 * Without a season (m < 2) it is Holt's linear trend method. Initialisation: the first value is
 * the level, the trend and the seasonal slots start at 0 (the season is learnt as it goes).
 */

export interface HoltWintersSettings {
  alpha: number;
  beta: number;
  gamma: number;
  /** Observations per season; 0 or 1: no season. */
  seasonLength: number;
}

export interface HoltWintersState {
  /** Observations so far. */
  n: number;
  level: number;
  trend: number;
  season: number[];
}

export function holtWinters(settings: HoltWintersSettings): HoltWintersState {
  return { n: 0, level: 0, trend: 0, season: new Array<number>(Math.max(0, settings.seasonLength)).fill(0) };
}

export function observe(s: HoltWintersSettings, state: HoltWintersState, y: number): HoltWintersState {
  if (state.n === 0) return { ...state, n: 1, level: y, season: state.season.slice() };
  const m = state.season.length;
  const slot = m >= 2 ? state.n % m : -1;
  const seasonal = slot >= 0 ? state.season[slot] : 0;
  const level = s.alpha * (y - seasonal) + (1 - s.alpha) * (state.level + state.trend);
  const trend = s.beta * (level - state.level) + (1 - s.beta) * state.trend;
  const season = state.season.slice();
  if (slot >= 0) season[slot] = s.gamma * (y - level) + (1 - s.gamma) * seasonal;
  return { n: state.n + 1, level, trend, season };
}

/** The forecast `h` observations after the last one. */
export function forecast(state: HoltWintersState, h: number): number {
  const m = state.season.length;
  const seasonal = m >= 2 ? state.season[(state.n - 1 + h) % m] : 0;
  return state.level + h * state.trend + seasonal;
}
