// Pre-trade risk checks, pure and synchronous: run on the in-memory account state before the order is sent.
export interface ResolvedLimits {
  maxPositionLots: bigint;
  maxOrderLots: bigint;
  maxOrderNotionalCents: bigint;
  priceCollarBps: number;
  ordersPerSecond: number;
  orderBurst: number;
  /** the limits as entered (decimal, in the symbol's quantity units) for symbols whose lot is not 1 */
  maxPositionQuantity?: string;
  maxOrderQuantity?: string;
}

export interface RiskInput {
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  priceTicks: number | null;
  quantityLots: number;
  referencePriceTicks: number | null;
  centsPerUnit: bigint;
  positionLots: bigint;
  openBuyLots: bigint;
  openSellLots: bigint;
  cashCents: bigint;
  reservedCents: bigint;
}

export interface RiskReject {
  code:
    | "RISK_MAX_ORDER_QUANTITY"
    | "RISK_NO_REFERENCE_PRICE"
    | "RISK_PRICE_COLLAR"
    | "RISK_MAX_ORDER_NOTIONAL"
    | "RISK_MAX_POSITION"
    | "RISK_BUYING_POWER";
  message: string;
}

/** Price used to value (and reserve cash for) an order: its limit, or a market buy's worst case in the collar. */
export function estimatePriceTicks(input: RiskInput, limits: ResolvedLimits): bigint | null {
  if (input.priceTicks !== null) return BigInt(input.priceTicks);
  if (input.referencePriceTicks === null) return null;
  const ref = BigInt(input.referencePriceTicks);
  if (input.side === "SELL") return ref;
  const bps = BigInt(limits.priceCollarBps);
  return (ref * (10_000n + bps) + 9_999n) / 10_000n;
}

export function checkOrder(input: RiskInput, limits: ResolvedLimits): RiskReject | null {
  const qty = BigInt(input.quantityLots);
  if (qty > limits.maxOrderLots) {
    return {
      code: "RISK_MAX_ORDER_QUANTITY",
      message: `order quantity exceeds the limit of ${limits.maxOrderLots} lots`,
    };
  }
  const ref = input.referencePriceTicks;
  if (ref === null || ref <= 0) {
    if (input.type === "MARKET") {
      return { code: "RISK_NO_REFERENCE_PRICE", message: "no reference price yet for a market order" };
    }
  } else if (input.priceTicks !== null) {
    const dist = BigInt(Math.abs(input.priceTicks - ref)) * 10_000n;
    if (dist > BigInt(ref) * BigInt(limits.priceCollarBps)) {
      return {
        code: "RISK_PRICE_COLLAR",
        message: `limit price is more than ${limits.priceCollarBps} bps away from the reference price`,
      };
    }
  }
  const est = estimatePriceTicks(input, limits);
  const notional = est === null ? 0n : est * qty * input.centsPerUnit;
  if (notional > limits.maxOrderNotionalCents) {
    return { code: "RISK_MAX_ORDER_NOTIONAL", message: "order notional exceeds the limit" };
  }
  if (input.side === "BUY") {
    const worst = input.positionLots + input.openBuyLots + qty;
    if (worst > limits.maxPositionLots) {
      return {
        code: "RISK_MAX_POSITION",
        message: `position would exceed the limit of ${limits.maxPositionLots} lots`,
      };
    }
    if (input.cashCents - input.reservedCents < notional) {
      return { code: "RISK_BUYING_POWER", message: "insufficient buying power (cash minus open buy orders)" };
    }
  } else {
    const worst = -(input.positionLots - input.openSellLots - qty);
    if (worst > limits.maxPositionLots) {
      return {
        code: "RISK_MAX_POSITION",
        message: `position would exceed the limit of ${limits.maxPositionLots} lots`,
      };
    }
  }
  return null;
}

/** Per-user token bucket; `now` in ms. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private rate: number,
    private burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }
  configure(rate: number, burst: number): void {
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }
  /** tokens available now (without taking one) */
  available(now = Date.now()): number {
    const elapsed = Math.max(0, now - this.last) / 1000;
    return Math.min(this.burst, this.tokens + elapsed * this.rate);
  }
  take(now = Date.now()): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
