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
import type { Parsed } from "../../lib/units";
import { formatCall } from "../../lib/format";

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

/** `Name(arg=value, ...)` of a decoded custom error, with the argument names of the ABI (base units). */
export function formatErrorDescription(description: ErrorDescription): string {
  return formatCall(description.name, description.fragment.inputs, [...(description.args as Result)]);
}

/** Decodes revert data against the given ABIs: a custom error by name, Error(string), Panic(uint256). */
export function decodeRevertData(data: string, abis: readonly InterfaceAbi[]): string | undefined {
  for (const abi of abis) {
    try {
      const description = new Interface(abi).parseError(data);
      if (description !== null) return formatErrorDescription(description);
    } catch {
      // not this ABI
    }
  }
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
export function describeRevert(error: unknown, abis: readonly InterfaceAbi[]): string {
  const data = findRevertData(error);
  if (data !== undefined) {
    const decoded = decodeRevertData(data, abis);
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
