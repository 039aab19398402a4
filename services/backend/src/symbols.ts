// Symbols as the engine defines them (tick/lot size, reference price, band). Money is cents: a symbol is
// usable only when one tick * one lot is a whole number of cents, so every notional is exact.
import type { SymbolInfo } from "@hft/proto";
import { fromUnits, parseDecimal, toUnits, UnitError } from "@hft/shared";
import { ApiError } from "./errors.js";

export interface SymbolSpec {
  symbol: string;
  tickSize: string;
  lotSize: string;
  /** cents per (1 tick * 1 lot) */
  centsPerUnit: bigint;
  referencePrice: number;
  priceBandBps: number;
}

export function centsPerUnit(tickSize: string, lotSize: string): bigint | null {
  const t = parseDecimal(tickSize);
  const l = parseDecimal(lotSize);
  // value of tick*lot in cents = t.m * l.m * 100 / 10^(t.s + l.s)
  const num = t.mantissa * l.mantissa * 100n;
  const den = 10n ** BigInt(t.scale + l.scale);
  return num % den === 0n ? num / den : null;
}

export class SymbolRegistry {
  private readonly specs = new Map<string, SymbolSpec>();

  load(infos: SymbolInfo[], onSkip?: (symbol: string) => void): void {
    for (const i of infos) {
      const cpu = centsPerUnit(i.tickSize, i.lotSize);
      if (cpu === null || cpu <= 0n) {
        onSkip?.(i.symbol);
        continue;
      }
      this.specs.set(i.symbol, {
        symbol: i.symbol,
        tickSize: i.tickSize,
        lotSize: i.lotSize,
        centsPerUnit: cpu,
        referencePrice: i.referencePrice,
        priceBandBps: i.priceBandBps,
      });
    }
  }

  get size(): number {
    return this.specs.size;
  }
  all(): SymbolSpec[] {
    return [...this.specs.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }
  get(symbol: string): SymbolSpec | undefined {
    return this.specs.get(symbol);
  }
  require(symbol: string): SymbolSpec {
    const s = this.specs.get(symbol);
    if (!s) throw new ApiError(400, "UNKNOWN_SYMBOL", `unknown symbol "${symbol}"`);
    return s;
  }
}

/** Decimal price string -> ticks (400 PRICE_OFF_TICK / INVALID_PRICE, never rounded). */
export function priceToTicks(price: string, spec: SymbolSpec): number {
  const ticks = convert(price, spec.tickSize, "PRICE_OFF_TICK", "INVALID_PRICE", "price", spec);
  if (ticks <= 0) throw new ApiError(400, "INVALID_PRICE", "price must be greater than 0");
  return ticks;
}

/** Decimal quantity string -> lots (400 QUANTITY_OFF_LOT / INVALID_QUANTITY). */
export function quantityToLots(quantity: string, spec: SymbolSpec): number {
  const lots = convert(quantity, spec.lotSize, "QUANTITY_OFF_LOT", "INVALID_QUANTITY", "quantity", spec);
  if (lots <= 0) throw new ApiError(400, "INVALID_QUANTITY", "quantity must be greater than 0");
  return lots;
}

function convert(
  value: string,
  increment: string,
  offGrid: string,
  invalid: string,
  field: string,
  spec: SymbolSpec,
): number {
  try {
    return toUnits(value, increment);
  } catch (e) {
    if (e instanceof UnitError && e.code === "OFF_GRID") {
      throw new ApiError(
        400,
        offGrid,
        `${field} ${value} is not a multiple of ${increment} for ${spec.symbol}`,
        {
          field,
          increment,
        },
      );
    }
    throw new ApiError(400, invalid, `${field} ${value} is not a valid amount`, { field });
  }
}

export const ticksToPrice = (ticks: number | bigint, spec: SymbolSpec): string =>
  fromUnits(ticks, spec.tickSize);
export const lotsToQuantity = (lots: number | bigint, spec: SymbolSpec): string =>
  fromUnits(lots, spec.lotSize);
