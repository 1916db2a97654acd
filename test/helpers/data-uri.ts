/** Decoding of `data:` URIs as ERC-1155 `uri(id)` may return them. */

const JSON_BASE64_PREFIX = "data:application/json;base64,";

/** Whether `uri` is a base64 JSON data URI. */
export function isJsonDataUri(uri: string): boolean {
  return uri.startsWith(JSON_BASE64_PREFIX);
}

/**
 * Decodes a `data:application/json;base64,` URI and parses its JSON. Returns `unknown`: callers narrow it with a
 * type guard or assertions. Throws (test edge) when the URI is not such a data URI or the JSON is malformed.
 */
export function decodeJsonDataUri(uri: string): unknown {
  if (!isJsonDataUri(uri)) throw new Error(`not a base64 JSON data URI: ${uri.slice(0, 40)}...`);
  const json = Buffer.from(uri.slice(JSON_BASE64_PREFIX.length), "base64").toString("utf8");
  return JSON.parse(json) as unknown;
}

/** Narrows `value` to a plain JSON object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
