// Portfolio valuation: positions marked to the feed's current price, exact in cents; ratios only for display.
import { fromUnits, parseDecimal } from "@hft/shared";
import type { PortfolioResponse, Position } from "@hft/shared/api";
import { centsToString, ratioToString } from "../money.js";
import type { UserState } from "../state/types.js";
import type { SymbolRegistry } from "../symbols.js";

type Pos = UserState["positions"] extends Map<string, infer P> ? P : never;

/** Average entry price per unit of quantity (display precision, 4 decimals). */
function averageCost(p: Pos, lotSize: string): string | null {
  if (p.quantity === 0n) return null;
  const q = parseDecimal(fromUnits(p.quantity < 0n ? -p.quantity : p.quantity, lotSize));
  const cost = p.costBasis < 0n ? -p.costBasis : p.costBasis;
  return ratioToString(cost * 10n ** BigInt(q.scale), 100n * q.mantissa, 4);
}

export function positionView(
  symbol: string,
  p: Pos & { updatedAt?: Date },
  symbols: SymbolRegistry,
): Position {
  const lot = symbols.get(symbol)?.lotSize ?? "1";
  return {
    symbol,
    quantity: fromUnits(p.quantity, lot),
    averageCost: averageCost(p, lot),
    costBasis: centsToString(p.costBasis),
    realizedPnl: centsToString(p.realizedPnl),
    updatedAt: (p.updatedAt ?? new Date()).toISOString(),
  };
}

/** Positions that matter: open ones, or closed ones that realized P&L. */
export function visiblePositions(u: UserState): [string, Pos][] {
  return [...u.positions.entries()]
    .filter(([, p]) => p.quantity !== 0n || p.realizedPnl !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** "1.9" -> "1.90" (the contract's 2-decimal percentages). */
function fixed2(d: string): string {
  const [int, frac = ""] = d.split(".");
  return `${int}.${frac.padEnd(2, "0")}`;
}

export function portfolioView(
  u: UserState,
  symbols: SymbolRegistry,
  markTicks: (symbol: string) => number | null,
): PortfolioResponse {
  const rows = visiblePositions(u).map(([symbol, p]) => {
    const spec = symbols.get(symbol);
    const mark = markTicks(symbol);
    const cpu = spec?.centsPerUnit ?? 1n;
    // Without a price the position is carried at cost (no made-up P&L).
    const value = mark === null ? p.costBasis : p.quantity * BigInt(mark) * cpu;
    return { symbol, p, mark, value, spec };
  });
  const positionsValue = rows.reduce((s, r) => s + r.value, 0n);
  const total = u.cash + positionsValue;
  const costBasis = rows.reduce((s, r) => s + r.p.costBasis, 0n);
  const realized = rows.reduce((s, r) => s + r.p.realizedPnl, 0n);
  return {
    currency: "USD",
    cash: centsToString(u.cash),
    reservedCash: centsToString(u.reserved),
    buyingPower: centsToString(u.cash - u.reserved),
    positionsValue: centsToString(positionsValue),
    totalValue: centsToString(total),
    costBasis: centsToString(costBasis),
    realizedPnl: centsToString(realized),
    unrealizedPnl: centsToString(positionsValue - costBasis),
    positions: rows.map((r) => ({
      ...positionView(r.symbol, r.p, symbols),
      marketPrice: r.mark === null ? null : fromUnits(r.mark, r.spec?.tickSize ?? "0.01"),
      marketValue: centsToString(r.value),
      unrealizedPnl: centsToString(r.value - r.p.costBasis),
      weightPercent: total === 0n ? "0.00" : fixed2(ratioToString(r.value * 100n, total, 2)),
    })),
    asOf: new Date().toISOString(),
  };
}
