import type { OrderRow } from "../persistence/rows.js";
import type { PositionState } from "../portfolio/math.js";
import type { ResolvedLimits, TokenBucket } from "../risk/rules.js";

/** In-memory order: the persisted row plus what only the running backend needs. */
export interface OrderState extends OrderRow {
  /** cash held back for this (buy) order, cents */
  reservedCents: bigint;
  /** not yet acknowledged by the engine */
  pending: boolean;
  /** leaves quantity currently counted in the owner's openLots (kept in step by TradingCore) */
  countedLeaves: number;
}

export interface UserState {
  userId: bigint;
  cash: bigint;
  reserved: bigint;
  accountVersion: bigint;
  positions: Map<string, PositionState & { version: bigint; updatedAt?: Date }>;
  openOrders: Map<bigint, OrderState>;
  /** open (incl. in-flight) quantity per symbol and side, so risk checks need no scan of open orders */
  openLots: Map<string, { buy: bigint; sell: bigint }>;
  limits: ResolvedLimits;
  bucket: TokenBucket;
  /** clientOrderId -> in-flight/recent order id (duplicates wait for the first) */
  clientIds: Map<string, { orderId: bigint; done: Promise<unknown> }>;
  /** open orders by clientOrderId: a duplicate is found even if the order's row could not be written yet */
  liveClientIds: Map<string, OrderState>;
}
