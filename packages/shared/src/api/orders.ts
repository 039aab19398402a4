import { z } from "zod";
import {
  Cursor,
  DecimalString,
  OrderStatus,
  OrderType,
  PageLimit,
  Side,
  SymbolCode,
  TimeInForce,
  Timestamp,
} from "./common.js";

/** POST /api/v1/orders. `price` is required for LIMIT and forbidden for MARKET. */
export const PlaceOrderRequest = z
  .object({
    symbol: SymbolCode,
    side: Side,
    type: OrderType,
    /** default GTC for LIMIT, IOC for MARKET (MARKET allows IOC/FOK only) */
    timeInForce: TimeInForce.optional(),
    price: DecimalString.optional(),
    quantity: DecimalString,
    postOnly: z.boolean().optional(),
    /** Idempotency key: the same clientOrderId twice returns the first order instead of a new one. */
    clientOrderId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, "clientOrderId may contain letters, digits and _ . : -")
      .optional(),
  })
  .strict();
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** PATCH /api/v1/orders/:id — at least one of price / quantity (new total quantity). */
export const ModifyOrderRequest = z
  .object({
    price: DecimalString.optional(),
    quantity: DecimalString.optional(),
  })
  .strict();
export type ModifyOrderRequest = z.infer<typeof ModifyOrderRequest>;

export const OrderIdParams = z.object({
  id: z.string().regex(/^\d{1,19}$/, "order id must be a decimal integer"),
});
export type OrderIdParams = z.infer<typeof OrderIdParams>;

export const Order = z.object({
  /** backend order id (decimal string) */
  id: z.string(),
  /** the engine's order id once the engine has seen the order */
  engineOrderId: z.string().nullable(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: Side,
  type: OrderType,
  timeInForce: TimeInForce,
  price: z.string().nullable(),
  quantity: z.string(),
  filledQuantity: z.string(),
  leavesQuantity: z.string(),
  averagePrice: z.string().nullable(),
  postOnly: z.boolean(),
  status: OrderStatus,
  rejectReason: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Order = z.infer<typeof Order>;

export const Liquidity = z.enum(["MAKER", "TAKER"]);

export const Fill = z.object({
  id: z.string(),
  orderId: z.string(),
  symbol: z.string(),
  side: Side,
  price: z.string(),
  quantity: z.string(),
  /** price * quantity in currency (decimal string) */
  notional: z.string(),
  liquidity: Liquidity,
  tradeId: z.string(),
  createdAt: Timestamp,
});
export type Fill = z.infer<typeof Fill>;

/** One entry of an order's history, oldest first. */
export const OrderEvent = z.object({
  /** "0" for ACCEPTED, which is the order's accepted terms (kept on the order row, not an event row) */
  id: z.string(),
  /** ACCEPTED first, then the engine's execution types (EXEC_TRADE, EXEC_REPLACED, EXEC_CANCELED, ...) or RECONCILED */
  type: z.string(),
  status: OrderStatus,
  filledQuantity: z.string(),
  leavesQuantity: z.string(),
  price: z.string().nullable(),
  quantity: z.string(),
  text: z.string().nullable(),
  createdAt: Timestamp,
});
export type OrderEvent = z.infer<typeof OrderEvent>;

/** Response of place / cancel / modify: the order's durable state plus fills produced by the call. */
export const OrderResponse = z.object({
  order: Order,
  fills: z.array(Fill),
  /** true when clientOrderId matched an existing order (nothing new was created) */
  duplicate: z.boolean().optional(),
});
export type OrderResponse = z.infer<typeof OrderResponse>;

export const OrderDetailResponse = z.object({
  order: Order,
  fills: z.array(Fill),
  events: z.array(OrderEvent),
});
export type OrderDetailResponse = z.infer<typeof OrderDetailResponse>;

const IsoTime = z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" });

export const ListOrdersQuery = z
  .object({
    status: OrderStatus.optional(),
    /** "open" = NEW + PARTIALLY_FILLED */
    open: z.enum(["true", "false"]).optional(),
    symbol: SymbolCode.optional(),
    side: Side.optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: PageLimit,
    cursor: Cursor.optional(),
  })
  .strict();
export type ListOrdersQuery = z.input<typeof ListOrdersQuery>;

export const ListOrdersResponse = z.object({
  orders: z.array(Order),
  nextCursor: z.string().nullable(),
});
export type ListOrdersResponse = z.infer<typeof ListOrdersResponse>;

export const ListFillsQuery = z
  .object({
    symbol: SymbolCode.optional(),
    orderId: z
      .string()
      .regex(/^\d{1,19}$/, "orderId must be a decimal integer")
      .optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: PageLimit,
    cursor: Cursor.optional(),
  })
  .strict();
export type ListFillsQuery = z.input<typeof ListFillsQuery>;

export const ListFillsResponse = z.object({
  fills: z.array(Fill),
  nextCursor: z.string().nullable(),
});
export type ListFillsResponse = z.infer<typeof ListFillsResponse>;
