/** Unix seconds (UTC) for dates in tests. */

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` (UTC) to unix seconds. Throws on a malformed date (test edge). */
export function utc(text: string): number {
  const ms = Date.parse(text.includes("T") ? `${text}Z` : `${text}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`not a UTC date: ${text}`);
  return ms / 1000;
}

/** Unix seconds at 23:59:59 UTC of the day `YYYY-MM-DD`. */
export function endOfDay(text: string): number {
  return utc(text) + 86_399;
}

/** JavaScript's reference for the UTC calendar year of unix seconds `ts`. */
export function utcYear(ts: number | bigint): number {
  return new Date(Number(ts) * 1000).getUTCFullYear();
}
