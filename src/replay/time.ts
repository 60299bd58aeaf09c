/** Times on the command line and in recorded files: Unix seconds, or RFC 3339 (with a zone). */

/** Unix seconds from `text` (`1767225600`, `1767225600.5`, `2026-01-01T00:00:00Z`); null when it is neither. */
export function parseTime(text: string): number | null {
  const t = text.trim();
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(t)) return Number(t);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms / 1000 : null;
  }
  return null;
}

/** Unix seconds as RFC 3339 in UTC (for messages and reports). */
export function isoTime(unixS: number): string {
  return new Date(Math.round(unixS * 1000)).toISOString().replace('.000Z', 'Z');
}
