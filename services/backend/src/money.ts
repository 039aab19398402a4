// Money is integer cents (bigint); formatting and parsing are exact.
import { formatDecimal, parseDecimal } from "@hft/shared";

export function centsToString(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

/** "1234.5" -> 123450n. Throws for more than 2 decimals (never rounds). */
export function parseCents(text: string): bigint {
  const d = parseDecimal(text);
  if (d.scale > 2) throw new RangeError(`${text} has more than 2 decimals`);
  return d.mantissa * 10n ** BigInt(2 - d.scale);
}

/** Floor of decimal / increment, e.g. floorUnits("10.5", "1") = 10n (for limits, not user prices). */
export function floorUnits(value: string, increment: string): bigint {
  const a = parseDecimal(value);
  const inc = parseDecimal(increment);
  const scale = Math.max(a.scale, inc.scale);
  const num = a.mantissa * 10n ** BigInt(scale - a.scale);
  const den = inc.mantissa * 10n ** BigInt(scale - inc.scale);
  return num / den;
}

/** ratio of two bigints as a decimal string with `places` decimals, rounded half away from zero (display only). */
export function ratioToString(num: bigint, den: bigint, places: number): string {
  if (den === 0n) return "0";
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const scale = 10n ** BigInt(places);
  const q = (n * scale * 2n + d) / (2n * d);
  const s = formatDecimal({ mantissa: q, scale: places });
  return neg && q !== 0n ? `-${s}` : s;
}
