// Snapshot rows queued for persistence. Orders, positions and accounts are written as their latest state
// (upsert guarded by a monotonic version); events, fills and rejections are append-only.
export type OrderStatusName = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELLED" | "REJECTED";

export interface OrderRow {
  id: bigint;
  userId: bigint;
  engineOrderId: bigint | null;
  clientOrderId: string | null;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  timeInForce: "GTC" | "IOC" | "FOK";
  postOnly: boolean;
  price: number | null;
  quantity: number;
  /** terms as accepted (written with the first row, never updated); null for rows from before them */
  originalPrice: number | null;
  originalQuantity: number | null;
  filledQuantity: number;
  leavesQuantity: number;
  filledNotional: bigint;
  status: OrderStatusName;
  rejectReason: string | null;
  version: bigint;
  createdAt: Date;
  updatedAt: Date;
}

export interface EventRow {
  orderId: bigint;
  engineSeq: bigint | null;
  type: string;
  status: OrderStatusName;
  price: number | null;
  quantity: number;
  filledQuantity: number;
  leavesQuantity: number;
  text: string | null;
  createdAt: Date;
}

export interface FillRow {
  /** database id, set by the writer once inserted */
  id?: bigint;
  orderId: bigint;
  userId: bigint;
  symbol: string;
  side: "BUY" | "SELL";
  price: number;
  quantity: number;
  liquidity: "MAKER" | "TAKER";
  tradeId: bigint;
  engineSeq: bigint | null;
  createdAt: Date;
}

export interface PositionRow {
  userId: bigint;
  symbol: string;
  quantity: bigint;
  costBasis: bigint;
  realizedPnl: bigint;
  version: bigint;
  updatedAt: Date;
}

export interface AccountRow {
  userId: bigint;
  cash: bigint;
  version: bigint;
  updatedAt: Date;
}

export interface RejectionRow {
  userId: bigint;
  clientOrderId: string | null;
  symbol: string;
  side: string;
  type: string;
  price: string | null;
  quantity: string;
  code: string;
  reason: string;
  createdAt: Date;
}

/** Everything one engine report batch (or one rejected request) changes. */
export class WriteUnit {
  readonly orders = new Map<bigint, OrderRow>();
  readonly events: EventRow[] = [];
  readonly fills: FillRow[] = [];
  readonly positions = new Map<string, PositionRow>();
  readonly accounts = new Map<bigint, AccountRow>();
  readonly rejections: RejectionRow[] = [];
  /** set by the writer when it starts writing the unit: rows added later would never be written */
  sealed = false;

  get size(): number {
    return (
      this.orders.size +
      this.events.length +
      this.fills.length +
      this.positions.size +
      this.accounts.size +
      this.rejections.length
    );
  }

  /** Merge a later unit into this one (later snapshots win). */
  absorb(other: WriteUnit): void {
    for (const [k, v] of other.orders) this.orders.set(k, v);
    for (const [k, v] of other.positions) this.positions.set(k, v);
    for (const [k, v] of other.accounts) this.accounts.set(k, v);
    for (const e of other.events) this.events.push(e);
    for (const f of other.fills) this.fills.push(f);
    for (const r of other.rejections) this.rejections.push(r);
  }
}
