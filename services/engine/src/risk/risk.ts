// Engine-side pre-trade risk: checks no client can bypass because they run inside the matching thread, before an
// order reaches the book. Pure functions over integers (ticks, lots); each failure names a RejectReason.
import { RejectReason } from "@hft/proto";

export interface RiskLimits {
  /** ticks */
  referencePrice: number;
  /** allowed distance of a limit/stop price from the reference price, basis points */
  priceBandBps: number;
  /** lots */
  maxOrderQuantity: number;
  /** ticks * lots */
  maxOrderNotional: number;
}

export interface RiskReject {
  reason: RejectReason;
  text: string;
}

/** Width of the price band in ticks (rounded down, so the band never admits more than configured). */
export function bandTicks(limits: RiskLimits): number {
  return Math.floor((limits.referencePrice * limits.priceBandBps) / 10_000);
}

/** Lowest and highest price allowed by the band. Market orders never trade beyond these ("market protection"). */
export function bandLow(limits: RiskLimits): number {
  return Math.max(1, limits.referencePrice - bandTicks(limits));
}

export function bandHigh(limits: RiskLimits): number {
  return limits.referencePrice + bandTicks(limits);
}

export function withinBand(limits: RiskLimits, price: number): boolean {
  return price >= bandLow(limits) && price <= bandHigh(limits);
}

/**
 * Checks one order's economics. `price` is the limit price (0 for market / stop-market: the notional is then
 * taken at the worse band edge the order could reach); `stopPrice` 0 when not a stop.
 */
export function checkOrder(
  limits: RiskLimits,
  side: "buy" | "sell",
  price: number,
  quantity: number,
  stopPrice: number,
): RiskReject | null {
  if (quantity > limits.maxOrderQuantity) {
    return {
      reason: RejectReason.MAX_ORDER_QUANTITY,
      text: `quantity ${quantity} exceeds the maximum order quantity ${limits.maxOrderQuantity}`,
    };
  }
  if (price !== 0 && !withinBand(limits, price)) {
    return {
      reason: RejectReason.PRICE_BAND,
      text: `price ${price} outside the band [${bandLow(limits)}, ${bandHigh(limits)}] around reference ${limits.referencePrice}`,
    };
  }
  if (stopPrice !== 0 && !withinBand(limits, stopPrice)) {
    return {
      reason: RejectReason.PRICE_BAND,
      text: `stop price ${stopPrice} outside the band [${bandLow(limits)}, ${bandHigh(limits)}] around reference ${limits.referencePrice}`,
    };
  }
  const notionalPrice = price !== 0 ? price : side === "buy" ? bandHigh(limits) : limits.referencePrice;
  const notional = notionalPrice * quantity;
  if (notional > limits.maxOrderNotional) {
    return {
      reason: RejectReason.MAX_ORDER_NOTIONAL,
      text: `notional ${notional} exceeds the maximum order notional ${limits.maxOrderNotional}`,
    };
  }
  return null;
}

/** Per-account open-order limit (resting + pending-trigger orders). */
export function checkOpenOrders(open: number, max: number): RiskReject | null {
  if (open >= max) {
    return {
      reason: RejectReason.OPEN_ORDER_LIMIT,
      text: `account has ${open} open orders, the limit is ${max}`,
    };
  }
  return null;
}
