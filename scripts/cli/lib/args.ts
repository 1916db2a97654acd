/**
 * Argument parsers for the command line. Each returns a Parsed<T> whose error names the argument, the value
 * given and what is expected, so the command layer can print one line and exit with code 2.
 */
import { getAddress, isAddress, isHexString } from "ethers";
import { fabricRecordKey } from "../../ledger/token-id";
import type { Parsed } from "../../lib/units";
import { parseAmount, parseDate } from "../../lib/units";

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Token type codes of ICarbonLedger.TokenType. */
export const TOKEN_TYPES = { rec: 1, offset: 2, emissions: 3 } as const;
export type TokenTypeName = keyof typeof TOKEN_TYPES;
export const TOKEN_TYPE_NAMES: Record<number, TokenTypeName> = { 1: "rec", 2: "offset", 3: "emissions" };

/** The ledger's roles as the command line names them, and their Solidity constant names. */
export const ROLES = {
  admin: "DEFAULT_ADMIN_ROLE",
  "rec-issuer": "REC_ISSUER_ROLE",
  "offset-issuer": "OFFSET_ISSUER_ROLE",
  auditor: "EMISSIONS_AUDITOR_ROLE",
  revoker: "REVOKER_ROLE",
  pauser: "PAUSER_ROLE",
  registrar: "REGISTRAR_ROLE",
} as const;
export type RoleName = keyof typeof ROLES;

/** An account address (any checksum-valid or all-lower/upper-case 0x address), checksummed; zero refused. */
export function parseAddress(text: string, what: string): Parsed<string> {
  const t = text.trim();
  if (!t.startsWith("0x") || !isAddress(t)) return fail(`${what} "${text}": expected a 0x-prefixed 20-byte address`);
  const address = getAddress(t);
  if (BigInt(address) === 0n) return fail(`${what} "${text}": the zero address is not an account`);
  return ok(address);
}

/**
 * A token id in full: 0x + 64 hex digits or a decimal uint256. Since scoped ids, a token id is
 * tokenIdOf(type, scope, evidence hash), not the evidence hash itself (scripts/ledger/token-id.ts).
 */
export function parseTokenId(text: string, what = "--id"): Parsed<bigint> {
  const t = text.trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(t)) {
    const id = BigInt(t);
    return id === 0n ? fail(`${what} "${text}": the zero hash is not a token id`) : ok(id);
  }
  if (/^[0-9]+$/.test(t) && t.length <= 78) {
    const id = BigInt(t);
    if (id > 0n && id < 2n ** 256n) return ok(id);
  }
  return fail(`${what} "${text}": expected a token id in full, 0x + 64 hex digits (as \`holder balances --json\` lists it)`);
}

/** A 32-byte hash (0x + 64 hex digits), e.g. an evidence hash. */
export function parseBytes32(text: string, what: string): Parsed<string> {
  const t = text.trim();
  if (!isHexString(t, 32)) return fail(`${what} "${text}": expected 0x + 64 hex digits`);
  if (BigInt(t) === 0n) return fail(`${what} "${text}": must not be zero`);
  return ok(t.toLowerCase());
}

/**
 * A record key: 0x + 64 hex digits is taken as the key itself; any other text (a Fabric record's uuid) is hashed as
 * the oracle does, fabricRecordKey(text) = keccak256("fabric:" + text).
 */
export function parseRecordKey(text: string, what = "--record"): Parsed<string> {
  const t = text.trim();
  if (t === "") return fail(`${what}: must not be empty`);
  if (/^0x[0-9a-fA-F]{64}$/.test(t)) {
    return BigInt(t) === 0n ? fail(`${what} "${text}": the zero key is not a record`) : ok(t.toLowerCase());
  }
  if (/^0x[0-9a-fA-F]*$/.test(t)) return fail(`${what} "${text}": a hex key must be 0x + 64 hex digits (or give the record's uuid)`);
  return ok(fabricRecordKey(t));
}

/** Several record keys (see parseRecordKey), distinct. */
export function parseRecordKeys(texts: readonly string[], what = "--record"): Parsed<string[]> {
  const keys: string[] = [];
  for (const text of texts) {
    const k = parseRecordKey(text, what);
    if (!k.ok) return k;
    if (keys.includes(k.value)) return fail(`${what} "${text}": given twice (each record counts once)`);
    keys.push(k.value);
  }
  return ok(keys);
}

/** A token type name: rec, offset or emissions. */
export function parseTokenType(text: string, what = "--type"): Parsed<number> {
  const code = (TOKEN_TYPES as Record<string, number>)[text.trim().toLowerCase()];
  return code === undefined ? fail(`${what} "${text}": expected rec, offset or emissions`) : ok(code);
}

/** An amount in human units for a token type: RECs in Wh/kWh/MWh/GWh, offsets and emissions in g/kg/t. */
export function parseAmountFor(tokenType: number, text: string, what = "--amount"): Parsed<bigint> {
  return parseAmount(text, tokenType === TOKEN_TYPES.rec ? "energy" : "mass", what);
}

/** A period from two YYYY-MM-DD dates (UTC): from 00:00:00 of the first day to 23:59:59 of the last. */
export function parsePeriod(from: string, thru: string, fromWhat = "--from-date", thruWhat = "--thru-date"): Parsed<{ fromDate: number; thruDate: number }> {
  const f = parseDate(from, fromWhat);
  if (!f.ok) return f;
  const t = parseDate(thru, thruWhat, true);
  if (!t.ok) return t;
  if (t.value < f.value) return fail(`${thruWhat} "${thru}": must not be before ${fromWhat} "${from}"`);
  if (t.value >= 2 ** 40) return fail(`${thruWhat} "${thru}": too far in the future`);
  return ok({ fromDate: f.value, thruDate: t.value });
}

/** A calendar year (UTC) as the ledger's year totals use it. */
export function parseYear(text: string, what = "--year"): Parsed<number> {
  const t = text.trim();
  if (!/^\d{4}$/.test(t) || Number(t) < 1970) return fail(`${what} "${text}": expected a year such as 2025`);
  return ok(Number(t));
}

/** A role name as listed in ROLES. */
export function parseRole(text: string, what = "--role"): Parsed<RoleName> {
  const t = text.trim().toLowerCase();
  if (t in ROLES) return ok(t as RoleName);
  return fail(`${what} "${text}": expected one of ${Object.keys(ROLES).join(", ")}`);
}

/** on/off, true/false. */
export function parseSwitch(text: string, what: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === "on" || t === "true") return ok(true);
  if (t === "off" || t === "false") return ok(false);
  return fail(`${what} "${text}": expected on or off`);
}

/** A non-negative integer within [min, max]. */
export function parseInteger(text: string, what: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    return fail(`${what} "${text}": expected a whole number from ${min} to ${max}`);
  }
  return ok(Number(t));
}

/** A non-empty string without control characters, up to `max` characters. */
export function parseText(text: string, what: string, max = 1000): Parsed<string> {
  if (text.trim() === "") return fail(`${what}: must not be empty`);
  if (text.length > max) return fail(`${what}: at most ${max} characters`);
  if (/[\u0000-\u001f]/.test(text)) return fail(`${what}: must not contain control characters`);
  return ok(text);
}

/** A short form of a 32-byte id for tables: 0x1234…abcd. JSON output always carries the full id. */
export function shortId(id: bigint | string): string {
  const hex = typeof id === "bigint" ? idHex(id) : id;
  return `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/** The full 0x-hex form of a token id (or of any 32-byte value). */
export function idHex(id: bigint): string {
  return `0x${id.toString(16).padStart(64, "0")}`;
}
