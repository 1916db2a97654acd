/**
 * The command line's two kinds of failure, and revert decoding.
 *
 * - UsageError: a bad argument (malformed, unknown token, missing role...). One line, exit code 2, nothing sent.
 * - CommandError: the chain would reject the transaction, or another failure. One line, exit code 1.
 *
 * Library functions return Parsed<T>; only the command layer throws these, and only index.ts catches them.
 */
import { Interface, isHexString } from "ethers";
import type { ErrorDescription, InterfaceAbi, Result } from "ethers";
import type { Parsed, Quantity } from "../../lib/units";
import { formatAmount } from "../../lib/units";

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

export class CommandError extends Error {
  readonly exitCode = EXIT_FAILURE;
}

/** The value of a Parsed<T>, or a UsageError with its message. */
export function need<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new UsageError(parsed.error);
  return parsed.value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * Finds the revert data in an error thrown by ethers, hardhat-ethers or a JSON-RPC provider. They nest it at
 * different depths (`data`, `error.data`, `info.error.data`, `data.data`), so this walks the error breadth-first.
 */
export function findRevertData(error: unknown): string | undefined {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0) {
    const e = queue.shift();
    if (!isRecord(e) || seen.has(e)) continue;
    seen.add(e);
    const data = e["data"];
    if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
    for (const key of ["data", "error", "info", "cause", "revert"]) queue.push(e[key]);
  }
  return undefined;
}

/** Formats a decoded value readably: bigints in decimal, nested arrays in brackets, byte strings as hex. */
function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/** Error arguments that name a token, and those that are amounts of it (in the token's base unit). */
const ID_ARGS = new Set(["id", "tokenId"]);
const AMOUNT_ARGS = new Set(["available", "needed", "amount", "balance", "retired", "requested", "value"]);

/** What a token id measures (mass or energy), when known; the command layer looks it up on the ledger. */
export type UnitsOf = (id: bigint) => Quantity | undefined;

/** The token ids a decoded error names (e.g. LedgerInsufficientAvailable's `id`). */
export function tokenIdsIn(description: ErrorDescription): bigint[] {
  return description.fragment.inputs.flatMap((input, i) => {
    const value: unknown = (description.args as Result)[i];
    return ID_ARGS.has(input.name) && typeof value === "bigint" ? [value] : [];
  });
}

/**
 * `Name(arg=value, ...)` of a decoded custom error, with the argument names of the ABI. Token ids in full hex; with
 * `unitsOf`, amounts of the named token in its human units (`available=2.799 MWh, needed=5 MWh`).
 */
export function formatErrorDescription(description: ErrorDescription, unitsOf?: UnitsOf): string {
  const ids = tokenIdsIn(description);
  const quantity = ids.length === 1 && unitsOf !== undefined ? unitsOf(ids[0] as bigint) : undefined;
  const args = description.fragment.inputs.map((input, i) => {
    const value: unknown = (description.args as Result)[i];
    const shown = input.type === "uint256" && ID_ARGS.has(input.name) && typeof value === "bigint"
      ? `0x${value.toString(16).padStart(64, "0")}`
      : quantity !== undefined && AMOUNT_ARGS.has(input.name) && typeof value === "bigint"
        ? formatAmount(value, quantity)
        : formatValue(value);
    return `${input.name === "" ? `arg${i}` : input.name}=${shown}`;
  });
  return `${description.name}(${args.join(", ")})`;
}

/** The custom error of revert data, decoded against the given ABIs. */
export function parseCustomError(data: string, abis: readonly InterfaceAbi[]): ErrorDescription | undefined {
  for (const abi of abis) {
    try {
      const description = new Interface(abi).parseError(data);
      if (description !== null) return description;
    } catch {
      // not this ABI
    }
  }
  return undefined;
}

/** Decodes revert data against the given ABIs: a custom error by name, Error(string), Panic(uint256). */
export function decodeRevertData(data: string, abis: readonly InterfaceAbi[], unitsOf?: UnitsOf): string | undefined {
  const description = parseCustomError(data, abis);
  if (description !== undefined) return formatErrorDescription(description, unitsOf);
  try {
    const builtin = new Interface(["error Error(string reason)", "error Panic(uint256 code)"]).parseError(data);
    if (builtin?.name === "Error") return `Error("${String(builtin.args[0])}")`;
    if (builtin?.name === "Panic") return `Panic(code=0x${(builtin.args[0] as bigint).toString(16)})`;
  } catch {
    // unknown selector
  }
  return undefined;
}

/** One line describing why the chain rejected a call: the decoded custom error when possible. */
export function describeRevert(error: unknown, abis: readonly InterfaceAbi[], unitsOf?: UnitsOf): string {
  const data = findRevertData(error);
  if (data !== undefined) {
    const decoded = decodeRevertData(data, abis, unitsOf);
    if (decoded !== undefined) return decoded;
    return `unknown custom error ${data.slice(0, 10)} (data ${data})`;
  }
  if (isRecord(error)) {
    const short = error["shortMessage"];
    if (typeof short === "string") return short;
    const message = error["message"];
    if (typeof message === "string") {
      // Hardhat's in-process errors carry the decoded name in the message.
      const m = /reverted with custom error '([^']+)'/.exec(message);
      return m?.[1] ?? message.split("\n")[0] ?? message;
    }
  }
  return String(error);
}
