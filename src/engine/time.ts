/** Virtual time is an integer number of microseconds held in a JS number (exact below 2^53). */
export const US_PER_S = 1_000_000;

export function secondsToUs(seconds: number): number {
  return Math.round(seconds * US_PER_S);
}

export function usToSeconds(us: number): number {
  return us / US_PER_S;
}
