/**
 * The integer semantics of the Go code this folder reproduces: replica counts are int32,
 * metric values are int64 milli-values, and times can be Go's zero time.
 */

export const MAX_INT32 = 2_147_483_647;
export const MIN_INT32 = -2_147_483_648;
export const MAX_INT64 = 2n ** 63n - 1n;
export const MIN_INT64 = -(2n ** 63n);

/**
 * Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds. Kubernetes compares it like any
 * other time (zero + 10 s is after zero), so it is a finite "long ago", not -Infinity.
 */
export const GO_ZERO_TIME_S = -62_135_596_800;

/**
 * int32(x) of a float that is already integral (after math.Ceil or a truncating conversion).
 * Go leaves out-of-range conversions implementation-defined; the recent replica calculator
 * saturates at MaxInt32 explicitly, and we saturate everywhere so no path can wrap.
 */
export function toInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= MAX_INT32) return MAX_INT32;
  if (x <= MIN_INT32) return MIN_INT32;
  return Math.trunc(x);
}

/** int32(math.Ceil(x)), saturating. */
export function ceilToInt32(x: number): number {
  return toInt32(Math.ceil(x));
}

/**
 * resource.Quantity.MilliValue(): an int64 milli-value, rounded up when the input carries finer
 * precision (a simulator may produce fractional milli-units; the metrics APIs never do).
 */
export function milliValue(x: number): bigint {
  if (!Number.isFinite(x)) return x > 0 ? MAX_INT64 : MIN_INT64;
  const v = BigInt(Math.ceil(x));
  return v > MAX_INT64 ? MAX_INT64 : v < MIN_INT64 ? MIN_INT64 : v;
}

/** float64(v) of an int64. */
export function toFloat(v: bigint): number {
  return Number(v);
}
