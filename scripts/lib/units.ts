/**
 * Human units <-> on-chain integers, exactly (bigint arithmetic, no floating point).
 * On chain: RECs in Wh; offsets and emissions in g CO2e. Dates: unix seconds, UTC.
 */

/** Errors as values: callers collect problems and report them at the edge. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** What a quantity measures, which fixes its base unit. */
export type Quantity = "mass" | "energy";

/** Factor from each accepted unit to the base unit (g CO2e, or Wh). Keys are lower case. */
export const UNITS: Record<Quantity, Record<string, bigint>> = {
  mass: { g: 1n, kg: 1_000n, t: 1_000_000n, kt: 1_000_000_000n, mt: 1_000_000_000_000n },
  energy: { wh: 1n, kwh: 1_000n, mwh: 1_000_000n, gwh: 1_000_000_000n, twh: 1_000_000_000_000n },
};

const BASE_NAME: Record<Quantity, string> = { mass: "g", energy: "Wh" };
const SHOWN: Record<Quantity, string[]> = { mass: ["g", "kg", "t"], energy: ["Wh", "kWh", "MWh", "GWh"] };

/** Normalises a unit spelling: "tCO2e", "t CO2e", "tonnes" -> "t"; "kgCO2e" -> "kg"; "MWh" -> "mwh". */
export function normaliseUnit(unit: string): string {
  const u = unit.trim().toLowerCase().replace(/\s+/g, "").replace(/co2e?$/, "");
  const aliases: Record<string, string> = {
    tonne: "t", tonnes: "t", ton: "t", tons: "t", metricton: "t", metrictons: "t",
    kilogram: "kg", kilograms: "kg", kgs: "kg", gram: "g", grams: "g",
  };
  return aliases[u] ?? u;
}

/**
 * Parses a decimal number of `unit` into base units, exactly. Refuses negatives, exponents, and
 * fractions finer than the base unit ("0.0001kg" is 0.1 g: not an integer number of grams).
 */
export function toBaseUnits(decimal: string, unit: string, quantity: Quantity, what = "amount"): Parsed<bigint> {
  const factor = UNITS[quantity][normaliseUnit(unit)];
  const expected = SHOWN[quantity].join(", ");
  if (factor === undefined) return fail(`${what} unit "${unit}": use ${expected}`);
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(decimal);
  if (m === null) return fail(`${what} "${decimal}${unit}": expected a non-negative decimal number, e.g. 12.5${SHOWN[quantity][1]}`);
  const whole = BigInt(m[1] as string);
  const frac = m[2] ?? "";
  const scale = 10n ** BigInt(frac.length);
  const numerator = (whole * scale + BigInt(frac === "" ? "0" : frac)) * factor;
  if (numerator % scale !== 0n) {
    return fail(`${what} "${decimal}${unit}": finer than 1 ${BASE_NAME[quantity]}, the smallest unit on chain`);
  }
  return ok(numerator / scale);
}

/**
 * Parses "12.5t", "830kg", "4.2MWh", "1000g", "1000Wh" into base units. The unit is required: a bare number is
 * refused, since "1000" meant as kWh or t would silently be grams or watt-hours; the base unit is written out.
 */
export function parseAmount(text: string, quantity: Quantity, what = "amount"): Parsed<bigint> {
  const m = /^\s*(-?[0-9.]+)\s*([A-Za-z][A-Za-z0-9 ]*)?\s*$/.exec(text);
  const example = quantity === "mass" ? "12.5t or 830kg" : "4.2MWh";
  if (m === null) return fail(`${what} "${text}": expected a number with a unit, e.g. ${example}`);
  const number = m[1] as string;
  if (number.startsWith("-")) return fail(`${what} "${text}": must not be negative`);
  if (m[2] === undefined) {
    return fail(`${what} "${text}": give a unit, one of ${SHOWN[quantity].join(", ")} (e.g. ${example}; ${BASE_NAME[quantity]} for base units)`);
  }
  const parsed = toBaseUnits(number, m[2], quantity, what);
  if (parsed.ok && parsed.value === 0n) return fail(`${what} "${text}": must be greater than zero`);
  return parsed;
}

/** Formats base units in the largest shown unit that keeps it readable, exactly: 12_500_000n -> "12.5 t". */
export function formatAmount(base: bigint, quantity: Quantity): string {
  const negative = base < 0n;
  const abs = negative ? -base : base;
  const names = SHOWN[quantity];
  let chosen = names[0] as string;
  for (const name of names) if (abs >= (UNITS[quantity][name.toLowerCase()] as bigint)) chosen = name;
  const factor = UNITS[quantity][chosen.toLowerCase()] as bigint;
  const whole = abs / factor;
  const frac = (abs % factor).toString().padStart(factor.toString().length - 1, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole.toLocaleString("en-US")}${frac === "" ? "" : `.${frac}`} ${chosen}${quantity === "mass" ? " CO2e" : ""}`;
}

/** Parses "YYYY-MM-DD" (UTC) to unix seconds at 00:00:00; `endOfDay` gives 23:59:59 of that day. */
export function parseDate(text: string, what = "date", endOfDay = false): Parsed<number> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m === null) return fail(`${what} "${text}": expected YYYY-MM-DD (UTC)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return fail(`${what} "${text}": not a calendar date`);
  }
  if (y < 1970) return fail(`${what} "${text}": must be 1970-01-01 or later`);
  return ok(ms / 1000 + (endOfDay ? 86_399 : 0));
}

/** Unix seconds -> "YYYY-MM-DD" (UTC). */
export function formatDate(seconds: number | bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}

/** The midpoint of a period, in unix seconds, rounded down as the ledger's UtcYear.attributedYear computes it. */
export function periodMidpoint(fromDate: number, thruDate: number): number {
  return fromDate + Math.floor((thruDate - fromDate) / 2);
}

/** The calendar year (UTC) a period is attributed to on chain: the year of its midpoint. */
export function attributedYear(fromDate: number, thruDate: number): number {
  return new Date(periodMidpoint(fromDate, thruDate) * 1000).getUTCFullYear();
}
