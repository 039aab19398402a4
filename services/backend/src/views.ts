// DB/memory rows -> API shapes of @hft/shared/api (decimal strings, ISO times).
import { fromUnits } from "@hft/shared";
import type { Fill, Order, OrderEvent } from "@hft/shared/api";
import { centsToString, ratioToString } from "./money.js";
import type { SymbolRegistry, SymbolSpec } from "./symbols.js";
import { isoTime } from "./time.js";

type Int = number | bigint;

export interface OrderLike {
  id: bigint;
  engineOrderId: bigint | null;
  clientOrderId: string | null;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  timeInForce: "GTC" | "IOC" | "FOK";
  postOnly: boolean;
  price: Int | null;
  quantity: Int;
  filledQuantity: Int;
  leavesQuantity: Int;
  filledNotional: bigint;
  status: Order["status"];
  rejectReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function specOr(symbols: SymbolRegistry, symbol: string): Pick<SymbolSpec, "tickSize" | "lotSize"> {
  // A symbol the engine no longer lists still renders (with the default grid) rather than failing the read.
  return symbols.get(symbol) ?? { tickSize: "0.01", lotSize: "1" };
}

export function orderView(o: OrderLike, symbols: SymbolRegistry): Order {
  const spec = specOr(symbols, o.symbol);
  const filled = BigInt(o.filledQuantity);
  const avgTicks = filled > 0n ? ratioToString(o.filledNotional, filled, 6) : null;
  return {
    id: o.id.toString(),
    engineOrderId: o.engineOrderId === null ? null : o.engineOrderId.toString(),
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    price: o.price === null ? null : fromUnits(o.price, spec.tickSize),
    quantity: fromUnits(o.quantity, spec.lotSize),
    filledQuantity: fromUnits(o.filledQuantity, spec.lotSize),
    leavesQuantity: fromUnits(o.leavesQuantity, spec.lotSize),
    averagePrice: avgTicks === null ? null : scaleDecimal(avgTicks, spec.tickSize),
    postOnly: o.postOnly,
    status: o.status,
    rejectReason: o.rejectReason,
    createdAt: isoTime(o.createdAt),
    updatedAt: isoTime(o.updatedAt),
  };
}

/** "12345.5" ticks * "0.01" -> "123.455" (exact decimal multiply). */
function scaleDecimal(units: string, increment: string): string {
  const [i, f = ""] = units.split(".");
  const [ii, ff = ""] = increment.split(".");
  const mant = BigInt(i + f) * BigInt(ii + ff);
  const scale = f.length + ff.length;
  const s = mant.toString().padStart(scale + 1, "0");
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

export interface FillLike {
  id: bigint;
  orderId: bigint;
  symbol: string;
  side: "BUY" | "SELL";
  price: Int;
  quantity: Int;
  liquidity: "MAKER" | "TAKER";
  tradeId: bigint;
  createdAt: Date;
}

export function fillView(f: FillLike, symbols: SymbolRegistry): Fill {
  const spec = symbols.get(f.symbol);
  const tick = spec?.tickSize ?? "0.01";
  const cpu = spec?.centsPerUnit ?? 1n;
  return {
    id: f.id.toString(),
    orderId: f.orderId.toString(),
    symbol: f.symbol,
    side: f.side,
    price: fromUnits(f.price, tick),
    quantity: fromUnits(f.quantity, spec?.lotSize ?? "1"),
    notional: centsToString(BigInt(f.price) * BigInt(f.quantity) * cpu),
    liquidity: f.liquidity,
    tradeId: f.tradeId.toString(),
    createdAt: isoTime(f.createdAt),
  };
}

export interface EventLike {
  id: bigint;
  type: string;
  status: Order["status"];
  price: Int | null;
  quantity: Int;
  filledQuantity: Int;
  leavesQuantity: Int;
  text: string | null;
  createdAt: Date;
}

export function eventView(e: EventLike, symbol: string, symbols: SymbolRegistry): OrderEvent {
  const spec = specOr(symbols, symbol);
  return {
    id: e.id.toString(),
    type: e.type,
    status: e.status,
    filledQuantity: fromUnits(e.filledQuantity, spec.lotSize),
    leavesQuantity: fromUnits(e.leavesQuantity, spec.lotSize),
    price: e.price === null ? null : fromUnits(e.price, spec.tickSize),
    quantity: fromUnits(e.quantity, spec.lotSize),
    text: e.text,
    createdAt: isoTime(e.createdAt),
  };
}
