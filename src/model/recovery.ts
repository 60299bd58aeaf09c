/**
 * Time to recover after each load step of one service, measured per time-series step:
 *
 *   load steps -> at most one per time-series step (the first: a step cannot tell them apart)
 *   each step of the run that ends after load step i and no later than load step i + 1 (or the
 *   end of the run) is in i's window; a step violates when its drop % exceeds the limit
 *   -> recovery of i: from the load step to the end of the last violating step of its window
 *      (0 when none violated); null when the window's last step still violates
 */

/** Drop % above which a step counts as not recovered, when the scenario's slo sets no maxDropPercent. */
export const DEFAULT_RECOVERY_DROP_PERCENT = 1;

export interface LoadStepRecovery {
  atSeconds: number;
  /** Seconds until drops stayed within the limit up to the next load step or the end; null: never. */
  recoverySeconds: number | null;
}

export class RecoveryTracker {
  private readonly stepsUs: number[];
  private readonly lastViolationEndUs: number[];
  private readonly violatingAtEnd: boolean[];
  private current = -1;

  /** `loadStepsUs` ascending; `stepUs` the time-series step. */
  constructor(loadStepsUs: number[], stepUs: number) {
    this.stepsUs = loadStepsUs.filter(
      (t, i) => i === 0 || Math.floor(t / stepUs) !== Math.floor(loadStepsUs[i - 1] / stepUs),
    );
    this.lastViolationEndUs = this.stepsUs.map(() => -1);
    this.violatingAtEnd = this.stepsUs.map(() => false);
  }

  /** The time-series step ending at `endUs`, and whether its drops broke the limit. */
  step(endUs: number, violating: boolean): void {
    while (this.current + 1 < this.stepsUs.length && this.stepsUs[this.current + 1] < endUs) this.current++;
    if (this.current < 0) return;
    this.violatingAtEnd[this.current] = violating;
    if (violating) this.lastViolationEndUs[this.current] = endUs;
  }

  results(): LoadStepRecovery[] {
    return this.stepsUs.map((atUs, i) => ({
      atSeconds: atUs / 1e6,
      recoverySeconds: this.violatingAtEnd[i]
        ? null
        : this.lastViolationEndUs[i] < 0
          ? 0
          : (this.lastViolationEndUs[i] - atUs) / 1e6,
    }));
  }
}
