// Exact number formatting for the screen. Prices/quantities arrive as decimal strings; they are converted to
// integer ticks/lots and back with @hft/shared so the screen never shows float drift (0.1 + 0.2).
import { fromUnits, fromUnitsFixed, parseDecimal, toUnits, UnitError } from "@hft/shared/units";

/** Insert thousands separators into the integer part of a decimal string (pure string work, no floats). */
export function groupThousands(decimal: string): string {
  const neg = decimal.startsWith("-");
  const body = neg ? decimal.slice(1) : decimal;
  const [int, frac] = body.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}${frac !== undefined ? `.${frac}` : ""}`;
}

/** Price in ticks -> fixed decimals of the tick size, e.g. (19025, "0.01") -> "190.25". */
export function formatTicks(ticks: number | bigint, tickSize: string): string {
  return groupThousands(fromUnitsFixed(ticks, tickSize));
}

/** Quantity in lots -> decimal quantity, e.g. (3, "0.5") -> "1.5". */
export function formatLots(lots: number | bigint, lotSize: string): string {
  return groupThousands(fromUnits(lots, lotSize));
}

/**
 * A decimal price string shown with the tick's decimals ("190.5" -> "190.50"). Values off the tick grid
 * (e.g. an average price) are shown exactly as given rather than rounded.
 */
export function formatPrice(price: string | null | undefined, tickSize: string): string {
  if (price === null || price === undefined || price === "") return "—";
  try {
    return formatTicks(toUnits(price, tickSize), tickSize);
  } catch (e) {
    if (e instanceof UnitError) return groupThousands(padDecimals(price, 0));
    throw e;
  }
}

/** A decimal quantity string in lots of `lotSize`, shown exactly. */
export function formatQuantity(quantity: string | null | undefined, lotSize: string): string {
  if (quantity === null || quantity === undefined || quantity === "") return "—";
  try {
    return formatLots(toUnits(quantity, lotSize), lotSize);
  } catch (e) {
    if (e instanceof UnitError) return groupThousands(padDecimals(quantity, 0));
    throw e;
  }
}

/** Pad a decimal string to at least `min` decimals without ever dropping digits ("12.5" -> "12.50"). */
export function padDecimals(decimal: string, min: number): string {
  const d = parseDecimal(decimal);
  const s = fromUnits(d.mantissa, d.scale === 0 ? "1" : `0.${"0".repeat(d.scale - 1)}1`);
  const [int, frac = ""] = s.split(".");
  const places = Math.max(min, frac.length);
  return places === 0 ? int : `${int}.${frac.padEnd(places, "0")}`;
}

/** Money (decimal string in the account currency) with 2+ decimals and separators: "-1234.5" -> "-1,234.50". */
export function formatMoney(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  return groupThousands(padDecimals(amount, 2));
}

/** Signed money with an explicit + for gains, for P&L columns. */
export function formatPnl(amount: string | null | undefined): string {
  const s = formatMoney(amount);
  if (s === "—" || s.startsWith("-")) return s;
  return isZero(amount ?? "0") ? s : `+${s}`;
}

export function isZero(decimal: string): boolean {
  return parseDecimal(decimal).mantissa === 0n;
}

/** -1, 0 or 1 for a decimal string (for red/green colouring). */
export function signOf(decimal: string | null | undefined): -1 | 0 | 1 {
  if (!decimal) return 0;
  const m = parseDecimal(decimal).mantissa;
  return m < 0n ? -1 : m > 0n ? 1 : 0;
}

/** Compare two decimal strings exactly. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const ax = x.mantissa * 10n ** BigInt(scale - x.scale);
  const by = y.mantissa * 10n ** BigInt(scale - y.scale);
  return ax < by ? -1 : ax > by ? 1 : 0;
}

/** Spread between best ask and best bid, exact, in price decimals; null when either side is empty. */
export function spread(bestBid: string | null, bestAsk: string | null, tickSize: string): string | null {
  if (!bestBid || !bestAsk) return null;
  try {
    return formatTicks(toUnits(bestAsk, tickSize) - toUnits(bestBid, tickSize), tickSize);
  } catch {
    return null;
  }
}

/** Ratio of two decimal strings as a number in [0, ∞) for progress bars and depth bars (display only). */
export function ratio(part: string, whole: string): number {
  const p = parseDecimal(part);
  const w = parseDecimal(whole);
  if (w.mantissa === 0n) return 0;
  const scale = Math.max(p.scale, w.scale);
  const pn = p.mantissa * 10n ** BigInt(scale - p.scale);
  const wn = w.mantissa * 10n ** BigInt(scale - w.scale);
  // basis-point precision is plenty for a bar width; bigint keeps huge values exact until the last step
  return Number((pn * 10_000n) / wn) / 10_000;
}

/** Percentage text with one decimal from a ratio, for labels next to bars. */
export function formatPercent(r: number): string {
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

export interface DepthLevel {
  price: string;
  quantity: string;
  orderCount: number;
}

export interface DepthRow extends DepthLevel {
  /** cumulative quantity from the best price outwards, exact decimal string */
  cumulative: string;
  /** cumulative / total of this side, for the depth bar */
  fill: number;
}

/** Cumulative size per level, summed as integer lots (exact). Levels must be ordered best-first. */
export function withCumulative(levels: readonly DepthLevel[], lotSize: string): DepthRow[] {
  let running = 0n;
  const sums: bigint[] = [];
  for (const level of levels) {
    running += BigInt(toUnits(level.quantity, lotSize));
    sums.push(running);
  }
  const total = running;
  return levels.map((level, i) => ({
    ...level,
    cumulative: fromUnits(sums[i], lotSize),
    fill: total === 0n ? 0 : Number((sums[i] * 10_000n) / total) / 10_000,
  }));
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString("en-GB", { hour12: false });
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toLocaleTimeString("en-GB", { hour12: false })}`;
}

/** Decimals of an increment ("0.01" -> 2). */
export function decimalsOfIncrement(increment: string): number {
  return parseDecimal(increment).scale;
}
