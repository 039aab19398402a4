// How close the user is to each risk limit. Pure: computed from the limits, the portfolio and open orders.
import type { Order, PortfolioResponse, RiskLimits } from "@hft/shared/api";
import { compareDecimal, ratio } from "./format";
import { estimateNotional } from "./ticket";

export interface LimitUsage {
  key: string;
  label: string;
  description: string;
  /** current usage, as text */
  used: string;
  /** the limit, as text */
  limit: string;
  /** used / limit */
  ratio: number;
}

export type UsageLevel = "ok" | "warn" | "danger";

export function usageLevel(r: number): UsageLevel {
  return r >= 0.9 ? "danger" : r >= 0.7 ? "warn" : "ok";
}

function abs(d: string): string {
  return d.startsWith("-") ? d.slice(1) : d;
}

function maxDecimal(values: string[]): string {
  return values.reduce((m, v) => (compareDecimal(v, m) > 0 ? v : m), "0");
}

export function riskUsage(
  limits: RiskLimits,
  portfolio: PortfolioResponse | null,
  openOrders: readonly Order[],
  grids: (symbol: string) => { tickSize: string; lotSize: string },
): LimitUsage[] {
  const rows: LimitUsage[] = [];
  const positions = portfolio?.positions ?? [];
  const worst = positions.reduce<{ symbol: string; qty: string } | null>((w, p) => {
    const q = abs(p.quantity);
    return !w || compareDecimal(q, w.qty) > 0 ? { symbol: p.symbol, qty: q } : w;
  }, null);
  rows.push({
    key: "position",
    label: "Max position per symbol",
    description: worst ? `Largest position: ${worst.symbol}` : "No open positions",
    used: worst?.qty ?? "0",
    limit: limits.maxPositionQuantity,
    ratio: ratio(worst?.qty ?? "0", limits.maxPositionQuantity),
  });
  for (const p of positions) {
    rows.push({
      key: `position-${p.symbol}`,
      label: `Position ${p.symbol}`,
      description: "Absolute position vs per-symbol limit",
      used: abs(p.quantity),
      limit: limits.maxPositionQuantity,
      ratio: ratio(abs(p.quantity), limits.maxPositionQuantity),
    });
  }
  const largestQty = maxDecimal(openOrders.map((o) => o.leavesQuantity));
  rows.push({
    key: "orderQuantity",
    label: "Max order quantity",
    description: "Largest open order (remaining quantity)",
    used: largestQty,
    limit: limits.maxOrderQuantity,
    ratio: ratio(largestQty, limits.maxOrderQuantity),
  });
  const notionals = openOrders
    .filter((o) => o.price !== null)
    .map((o) => estimateNotional(o.price ?? "0", o.leavesQuantity, grids(o.symbol)) ?? "0");
  const largestNotional = maxDecimal(notionals);
  rows.push({
    key: "orderNotional",
    label: "Max order notional",
    description: "Largest open order value (price × remaining quantity)",
    used: largestNotional,
    limit: limits.maxOrderNotional,
    ratio: ratio(largestNotional, limits.maxOrderNotional),
  });
  if (portfolio && compareDecimal(portfolio.cash, "0") > 0) {
    rows.push({
      key: "buyingPower",
      label: "Buying power used",
      description: "Cash reserved by open buy orders vs cash",
      used: abs(portfolio.reservedCash),
      limit: portfolio.cash,
      ratio: ratio(abs(portfolio.reservedCash), portfolio.cash),
    });
  }
  const now = Date.now();
  const recent = openOrders.filter((o) => now - Date.parse(o.createdAt) < 1000).length;
  rows.push({
    key: "rate",
    label: "Order rate",
    description: `${limits.ordersPerSecond}/s sustained, burst ${limits.orderBurst}; open orders placed in the last second`,
    used: String(recent),
    limit: String(limits.orderBurst),
    ratio: limits.orderBurst > 0 ? recent / limits.orderBurst : 0,
  });
  return rows;
}
