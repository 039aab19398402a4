// The original platform's SubmitOrder(OrderRequest): decimal price/quantity and string enums, converted at the
// edge to an integer NewOrder. Anything that cannot be converted exactly is an EdgeError (-> INVALID_ARGUMENT).
import {
  ExecType,
  type ExecutionReport,
  type NewOrder,
  type OrderRequest,
  type OrderResponse,
  OrderStatus,
  OrderType,
  orderStatusToJSON,
  RejectReason,
  Side,
  StpMode,
  TimeInForce,
} from "@hft/proto";
import { fromUnits, toUnits, UnitError } from "@hft/shared";
import type { SymbolSpec } from "../matching/index.js";

export class EdgeError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = "EdgeError";
  }
}

const TYPES: Record<string, OrderType> = {
  MARKET: OrderType.MARKET,
  LIMIT: OrderType.LIMIT,
  STOP_LOSS: OrderType.STOP_MARKET,
  STOP_MARKET: OrderType.STOP_MARKET,
  STOP_LIMIT: OrderType.STOP_LIMIT,
  TRAILING_STOP: OrderType.TRAILING_STOP,
  ICEBERG: OrderType.LIMIT, // with a display quantity, see below
};

function units(value: number, increment: string, field: string, offGrid: RejectReason): number {
  try {
    return toUnits(value, increment);
  } catch (err) {
    if (err instanceof UnitError && err.code === "OFF_GRID") {
      throw new EdgeError(offGrid, `${field} ${value} is not a multiple of ${increment}`);
    }
    throw new EdgeError(
      offGrid === RejectReason.QUANTITY_OFF_LOT ? RejectReason.INVALID_QUANTITY : RejectReason.INVALID_PRICE,
      `${field}: ${(err as Error).message}`,
    );
  }
}

export interface PriceContext {
  /** Last trade price (ticks), or 0; used to place the initial trigger of a trailing stop. */
  lastPrice: number;
  referencePrice: number;
}

/**
 * OrderRequest -> NewOrder. ICEBERG is a GTC limit order showing a tenth of its quantity (at least one lot).
 * A TRAILING_STOP without stop_price starts trailing_amount away from the last (else reference) price.
 */
export function toNewOrder(req: OrderRequest, spec: SymbolSpec | undefined, ctx: PriceContext): NewOrder {
  if (spec === undefined) throw new EdgeError(RejectReason.UNKNOWN_SYMBOL, `unknown symbol "${req.symbol}"`);
  if (req.userId === "") throw new EdgeError(RejectReason.INVALID_ACCOUNT, "user_id is required");
  const sideName = req.side.trim().toUpperCase();
  const side = sideName === "BUY" ? Side.BUY : sideName === "SELL" ? Side.SELL : undefined;
  if (side === undefined)
    throw new EdgeError(RejectReason.INVALID_SIDE, `side must be BUY or SELL, got "${req.side}"`);
  const typeName = req.orderType.trim().toUpperCase();
  const type = TYPES[typeName];
  if (type === undefined) {
    throw new EdgeError(
      RejectReason.INVALID_ORDER_TYPE,
      `order_type must be one of ${Object.keys(TYPES).join(", ")}, got "${req.orderType}"`,
    );
  }
  if (!Number.isFinite(req.quantity) || req.quantity <= 0) {
    throw new EdgeError(RejectReason.INVALID_QUANTITY, `quantity must be positive, got ${req.quantity}`);
  }
  const quantity = units(req.quantity, spec.lotSize, "quantity", RejectReason.QUANTITY_OFF_LOT);
  const needsPrice = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT;
  let price = 0;
  if (needsPrice) {
    if (!Number.isFinite(req.price) || req.price <= 0) {
      throw new EdgeError(
        RejectReason.INVALID_PRICE,
        `${typeName} orders need a positive price, got ${req.price}`,
      );
    }
    price = units(req.price, spec.tickSize, "price", RejectReason.PRICE_OFF_TICK);
  } else if (req.price !== 0) {
    throw new EdgeError(RejectReason.INVALID_PRICE, `${typeName} orders take no price, got ${req.price}`);
  }
  let stopPrice = 0;
  let trailingOffset = 0;
  if (type === OrderType.STOP_MARKET || type === OrderType.STOP_LIMIT) {
    if (!Number.isFinite(req.stopPrice) || req.stopPrice <= 0) {
      throw new EdgeError(RejectReason.INVALID_STOP_PRICE, `${typeName} orders need a positive stop_price`);
    }
    stopPrice = units(req.stopPrice, spec.tickSize, "stop_price", RejectReason.PRICE_OFF_TICK);
  } else if (type === OrderType.TRAILING_STOP) {
    if (!Number.isFinite(req.trailingAmount) || req.trailingAmount <= 0) {
      throw new EdgeError(
        RejectReason.INVALID_STOP_PRICE,
        "TRAILING_STOP orders need a positive trailing_amount",
      );
    }
    trailingOffset = units(req.trailingAmount, spec.tickSize, "trailing_amount", RejectReason.PRICE_OFF_TICK);
    if (req.stopPrice > 0) {
      stopPrice = units(req.stopPrice, spec.tickSize, "stop_price", RejectReason.PRICE_OFF_TICK);
    } else {
      const base = ctx.lastPrice > 0 ? ctx.lastPrice : ctx.referencePrice;
      stopPrice = side === Side.SELL ? Math.max(1, base - trailingOffset) : base + trailingOffset;
    }
  }
  const iceberg = typeName === "ICEBERG";
  const displayQuantity = iceberg ? Math.max(1, Math.floor(quantity / 10)) : 0;
  if (iceberg && displayQuantity >= quantity) {
    throw new EdgeError(
      RejectReason.INVALID_DISPLAY_QUANTITY,
      "ICEBERG orders need a quantity of at least 2 lots",
    );
  }
  if (req.orderId.length > 64)
    throw new EdgeError(RejectReason.INVALID_ACCOUNT, "order_id longer than 64 chars");
  return {
    requestId: 0,
    account: req.userId,
    clientOrderId: req.orderId,
    symbol: req.symbol,
    side,
    orderType: type,
    timeInForce:
      type === OrderType.LIMIT || type === OrderType.STOP_LIMIT ? TimeInForce.GTC : TimeInForce.IOC,
    price,
    stopPrice,
    trailingOffset,
    quantity,
    displayQuantity,
    postOnly: false,
    expireTimeMs: 0,
    stpMode: StpMode.STP_DEFAULT,
  };
}

/** Summarise the reports of one SubmitOrder into the original OrderResponse. */
export function toOrderResponse(
  reports: ExecutionReport[],
  spec: SymbolSpec,
  requestId: number,
): OrderResponse {
  // the taker's reports carry our request id; maker reports belong to other orders
  const first = reports[0];
  let orderId = 0;
  let filled = 0;
  let notional = 0;
  let status = OrderStatus.STATUS_UNSPECIFIED;
  for (const r of reports) {
    if (r.requestId !== requestId || (first !== undefined && r.orderId !== first.orderId)) continue;
    orderId = r.orderId;
    if (r.status !== OrderStatus.STATUS_UNSPECIFIED) status = r.status;
    if (r.execType === ExecType.EXEC_TRADE) {
      filled += r.lastQuantity;
      notional += r.lastPrice * r.lastQuantity;
    }
  }
  const rejected = first?.execType === ExecType.EXEC_REJECTED;
  const tick = Number(spec.tickSize);
  return {
    success: !rejected,
    orderId: orderId === 0 ? "" : String(orderId),
    status: orderStatusToJSON(status),
    message: rejected
      ? first.text
      : (reports.find((r) => r.requestId === requestId && r.text !== "")?.text ?? "accepted"),
    filledQuantity: Number(fromUnits(filled, spec.lotSize)),
    // a display value only (double in the original message); fills themselves stay exact in `reports`
    averagePrice: filled > 0 ? Number(((notional / filled) * tick).toFixed(10)) : 0,
    rejectReason: rejected ? first.rejectReason : RejectReason.REJECT_NONE,
    reports,
  };
}
