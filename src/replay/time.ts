/** Times on the command line and in recorded files: Unix seconds, or RFC 3339 (with a zone). */

/** The latest time a recorded sample may have: 9999-12-31T23:59:59Z (the last RFC 3339 writes). */
export const MAX_UNIX_S = 253402300799;

/** Whether `t` is Unix seconds of a date from 1970 to 9999 (what isoTime prints; not NaN or infinite). */
export function isUnixTime(t: number): boolean {
  return t >= 0 && t <= MAX_UNIX_S;
}

/**
 * Unix seconds from `text` (`1767225600`, `1767225600.5`, `2026-01-01T00:00:00Z`); null when it is
 * neither, or not a time from 1970 to 9999.
 */
export function parseTime(text: string): number | null {
  const t = text.trim();
  let s: number | null = null;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(t)) s = Number(t);
  else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(t)) s = Date.parse(t) / 1000;
  return s !== null && isUnixTime(s) ? s : null;
}

/** Unix seconds as RFC 3339 in UTC (for messages and reports). */
export function isoTime(unixS: number): string {
  return new Date(Math.round(unixS * 1000)).toISOString().replace('.000Z', 'Z');
}
