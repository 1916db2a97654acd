import type { Interface } from "ethers";

/** Narrows an unknown thrown value to something carrying revert data, as ethers and Hardhat report it. */
function revertData(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.data === "string" && record.data.startsWith("0x")) return record.data;
  if ("error" in record) return revertData(record.error);
  if ("info" in record) return revertData(record.info);
  return undefined;
}

/**
 * The custom error name a call reverted with, decoded with `iface`; `"<none>"` when there was no decodable error
 * data (e.g. a plain revert or panic).
 */
export function revertedErrorName(iface: Interface, error: unknown): string {
  const data = revertData(error);
  if (data === undefined || data === "0x") return "<none>";
  const parsed = iface.parseError(data);
  return parsed === null ? `<unknown ${data.slice(0, 10)}>` : parsed.name;
}
