// Exact conversion between decimal strings and integer units (ticks, lots, minor currency units).
// Why strings and bigint: a float like 0.1 + 0.2 must never reach the matching path or the screen.

export class UnitError extends Error {
  constructor(
    readonly code: "INVALID_DECIMAL" | "OFF_GRID" | "OUT_OF_RANGE",
    message: string,
  ) {
    super(message);
    this.name = "UnitError";
  }
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** A decimal parsed exactly: value = mantissa / 10^scale. */
export interface Decimal {
  mantissa: bigint;
  scale: number;
}

export function parseDecimal(text: string): Decimal {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) throw new UnitError("INVALID_DECIMAL", `not a decimal number: "${text}"`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const mantissa = BigInt(m[2] + frac) * (m[1] === "-" ? -1n : 1n);
  return { mantissa, scale: frac.length };
}

/** Decimal for a JS number, using its shortest round-trip representation (what the user typed). */
export function decimalFromNumber(value: number): Decimal {
  if (!Number.isFinite(value)) throw new UnitError("INVALID_DECIMAL", `not a finite number: ${value}`);
  // toString gives the shortest string that round-trips; expand exponent notation exactly.
  const s = value.toString();
  if (!/e/i.test(s)) return parseDecimal(s);
  const [coef, expText] = s.toLowerCase().split("e");
  const exp = Number(expText);
  const d = parseDecimal(coef);
  if (exp >= 0) return { mantissa: d.mantissa * 10n ** BigInt(exp), scale: Math.max(0, d.scale - exp) };
  return { mantissa: d.mantissa, scale: d.scale - exp };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * How many whole increments (tick or lot) a decimal amount is. Throws OFF_GRID when it is not a whole
 * multiple (never rounds: a silent clamp would trade at a price the user did not ask for).
 */
export function toUnits(amount: string | number, increment: string): number {
  const a = typeof amount === "number" ? decimalFromNumber(amount) : parseDecimal(amount);
  const inc = parseDecimal(increment);
  if (inc.mantissa <= 0n)
    throw new UnitError("INVALID_DECIMAL", `increment must be positive: "${increment}"`);
  const scale = Math.max(a.scale, inc.scale);
  const num = a.mantissa * pow10(scale - a.scale);
  const den = inc.mantissa * pow10(scale - inc.scale);
  if (num % den !== 0n) {
    throw new UnitError("OFF_GRID", `${formatDecimal(a)} is not a multiple of ${increment}`);
  }
  const units = num / den;
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UnitError("OUT_OF_RANGE", `${formatDecimal(a)} is out of range`);
  }
  return Number(units);
}

/** Decimal string of `units` increments, e.g. fromUnits(12345, "0.01") === "123.45". Exact. */
export function fromUnits(units: number | bigint, increment: string): string {
  const inc = parseDecimal(increment);
  return formatDecimal({ mantissa: BigInt(units) * inc.mantissa, scale: inc.scale });
}

/** Format with a fixed number of decimals (pads, never rounds away digits: throws if it would). */
export function fromUnitsFixed(units: number | bigint, increment: string, decimals?: number): string {
  const inc = parseDecimal(increment);
  const places = decimals ?? inc.scale;
  const s = fromUnits(units, increment);
  const [int, frac = ""] = s.split(".");
  if (frac.length > places) throw new UnitError("OUT_OF_RANGE", `${s} has more than ${places} decimals`);
  return places === 0 ? int : `${int}.${frac.padEnd(places, "0")}`;
}

export function formatDecimal(d: Decimal): string {
  const neg = d.mantissa < 0n;
  let digits = (neg ? -d.mantissa : d.mantissa).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, "0");
    const int = digits.slice(0, digits.length - d.scale);
    const frac = digits.slice(digits.length - d.scale).replace(/0+$/, "");
    digits = frac ? `${int}.${frac}` : int;
  }
  return neg && digits !== "0" ? `-${digits}` : digits;
}

/** Number of decimals an increment has ("0.01" -> 2, "1" -> 0, "0.5" -> 1). */
export function decimalsOf(increment: string): number {
  return parseDecimal(increment).scale;
}
