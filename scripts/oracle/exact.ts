/**
 * Floating-point amounts of the chaincode to exact integer base units (g CO2e, Wh), by ONE rule used everywhere:
 *
 *   the amount's decimal text — a JSON number's shortest round-trip representation (what JavaScript prints for
 *   it, `String(x)`, which JSON.parse maps back to the same float), or a decimal string exactly as given — is read
 *   as an exact decimal, multiplied by the unit's power of ten, and rounded to an integer half to even.
 *
 * So `4873.259999999999 kWh` is 4,873,260 Wh (4,873,259.999999999 rounded), `2.607667092612959e-9 t` is 0 g
 * (0.002607… g rounded: valid, and counted), `0.0000005 t` (0.5 g) is 0 g and `0.0000015 t` is 2 g (ties to even).
 * Negative, non-finite and non-numeric amounts are refused naming the field; so is an amount of more than 10^30
 * base units (no real bill comes near it, and it keeps every sum far inside uint256).
 */
import type { Parsed } from "../lib/units";

/** The largest amount accepted, in base units. */
export const MAX_BASE_UNITS = 10n ** 30n;

const DECIMAL = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

const show = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** The decimal text of an amount: String(x) for a JSON number, the trimmed string otherwise. */
export function decimalText(v: unknown, field: string): Parsed<string> {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { ok: false, error: `${field} ${String(v)}: expected a finite number` };
    if (v < 0) return { ok: false, error: `${field} ${String(v)}: must not be negative` };
    return { ok: true, value: String(v) };
  }
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("-")) return { ok: false, error: `${field} ${show(t)}: must not be negative` };
    if (t === "" || t === "." || !DECIMAL.test(t) || !/\d/.test(t.split(/[eE]/)[0] as string)) {
      return { ok: false, error: `${field} "${show(t)}": expected a non-negative decimal number` };
    }
    return { ok: true, value: t };
  }
  return { ok: false, error: `${field} ${show(v)}: expected a number` };
}

/**
 * `v` (a JSON number or decimal string) times 10^`unitExponent`, rounded half to even, as a bigint.
 * `unitExponent` is the unit's power of ten relative to the base unit (t -> g: 6; kWh -> Wh: 3).
 */
export function toExactBaseUnits(v: unknown, unitExponent: number, field: string): Parsed<bigint> {
  const text = decimalText(v, field);
  if (!text.ok) return text;
  const m = DECIMAL.exec(text.value) as RegExpExecArray;
  const whole = m[1] ?? "";
  const frac = m[2] ?? "";
  const digits = (whole + frac).replace(/^0+/, "");
  if (digits === "") return { ok: true, value: 0n };
  // value = digits * 10^exponent
  const exponent = Number(m[3] ?? "0") - frac.length + unitExponent;
  if (!Number.isSafeInteger(exponent) || exponent + digits.length > 31) {
    return { ok: false, error: `${field} ${show(text.value)}: too large (more than 10^30 base units)` };
  }
  const n = BigInt(digits);
  if (exponent >= 0) {
    const value = n * 10n ** BigInt(exponent);
    return value > MAX_BASE_UNITS ? { ok: false, error: `${field} ${show(text.value)}: too large (more than 10^30 base units)` } : { ok: true, value };
  }
  // Far below half a base unit: 0 without building a huge power of ten.
  if (-exponent > digits.length + 1) return { ok: true, value: 0n };
  return { ok: true, value: divideHalfEven(n, 10n ** BigInt(-exponent)) };
}

/** n / d rounded to the nearest integer, ties to the even neighbour (n >= 0, d > 0). */
export function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const twice = 2n * (n % d);
  if (twice > d || (twice === d && q % 2n === 1n)) return q + 1n;
  return q;
}
