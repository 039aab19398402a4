// The trading core: pre-trade risk on in-memory account state, order entry through the engine's order
// stream, application of every execution report (own and maker fills) and durable persistence before any
// client hears about it. Also reconciles with the engine after (re)connecting.
import {
  ExecType,
  type ExecutionReport,
  type OrderCommand,
  OrderType as PbOrderType,
  Side as PbSide,
  OrderStatus as PbStatus,
  TimeInForce as PbTif,
  RejectReason,
  type ReportBatch,
} from "@hft/proto";
import type { Fill, Order, PlaceOrderRequest } from "@hft/shared/api";
import type { Logger } from "pino";
import type { PrismaClient } from "../db/client.js";
import { type EngineClient, EngineUnavailableError } from "../engine/client.js";
import { ApiError } from "../errors.js";
import type { Metrics } from "../metrics/index.js";
import { floorUnits } from "../money.js";
import type { FillRow, OrderRow, OrderStatusName } from "../persistence/rows.js";
import { WriteUnit } from "../persistence/rows.js";
import type { PersistenceWriter } from "../persistence/writer.js";
import { applyFill } from "../portfolio/math.js";
import { checkOrder, estimatePriceTicks, type ResolvedLimits, TokenBucket } from "../risk/rules.js";
import { priceToTicks, quantityToLots, type SymbolRegistry, type SymbolSpec } from "../symbols.js";
import { fillView, orderView } from "../views.js";
import { nextOrderId } from "./ids.js";
import type { OrderState, UserState } from "./types.js";

export interface Publisher {
  /** false when nobody listens for this user (then no view is built) */
  wants(userId: bigint): boolean;
  order(userId: bigint, order: Order): void;
  fill(userId: bigint, fill: Fill): void;
}

export interface OrderResult {
  status: number;
  order: Order;
  fills: Fill[];
  duplicate?: boolean;
}

interface EngineOutcome {
  order: OrderState;
  fills: FillRow[];
  rejected?: ExecutionReport;
  wroteRow: boolean;
}

interface Pending {
  kind: "new" | "cancel" | "modify";
  order: OrderState;
  fills: FillRow[];
  rejected?: ExecutionReport;
  /** a report for this request wrote the order's row (placeOrder: durable even without the write-ahead row) */
  wroteRow?: boolean;
  resolve: (r: EngineOutcome) => void;
  reject: (e: Error) => void;
}

const STATUS: Record<number, OrderStatusName | undefined> = {
  [PbStatus.NEW]: "NEW",
  [PbStatus.PARTIALLY_FILLED]: "PARTIALLY_FILLED",
  [PbStatus.FILLED]: "FILLED",
  [PbStatus.CANCELLED]: "CANCELLED",
  [PbStatus.REJECTED]: "REJECTED",
  [PbStatus.PENDING_TRIGGER]: "NEW",
};

const OPEN: ReadonlySet<OrderStatusName> = new Set(["NEW", "PARTIALLY_FILLED"]);

export const DEFAULT_LIMITS = {
  maxPositionQuantity: "10000",
  maxOrderQuantity: "5000",
  maxOrderNotionalCents: 100_000_000n, // 1,000,000.00
  priceCollarBps: 1000,
  ordersPerSecond: 1000,
  orderBurst: 2000,
};

/** The persisted part of an order's state (a snapshot: later changes to the order do not leak into it). */
function orderRow(o: OrderState): OrderRow {
  const { reservedCents: _r, pending: _p, countedLeaves: _c, ...row } = o;
  return row;
}

/** The engine addresses an order by its own id once it has one, by ours (its clientOrderId) before. */
function cancelCommand(o: OrderState): OrderCommand {
  return {
    command: {
      $case: "cancel",
      value: {
        requestId: 0,
        account: o.userId.toString(),
        symbol: o.symbol,
        orderId: o.engineOrderId === null ? 0 : Number(o.engineOrderId),
        clientOrderId: o.engineOrderId === null ? o.id.toString() : "",
      },
    },
  };
}

function toNumberOrNull(v: number | bigint | null): number | null {
  return v === null ? null : Number(v);
}

export class TradingCore {
  private readonly users = new Map<bigint, UserState>();
  private readonly loading = new Map<bigint, Promise<UserState>>();
  /** open or in-flight orders by backend id (= the engine's client_order_id) */
  private readonly orders = new Map<bigint, OrderState>();
  private readonly pending = new Map<number, Pending>();
  /** new orders whose fate was unknown when the engine stream broke, until the next reconciliation */
  private readonly limbo = new Map<bigint, OrderState>();
  private nextRequestId = 1;
  private reconciling: Promise<void> | null = null;
  ready = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly writer: PersistenceWriter,
    private readonly engine: EngineClient,
    private readonly symbols: SymbolRegistry,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly referencePrice: (symbol: string) => number | null,
    private readonly publisher: Publisher,
  ) {
    engine.onReports = (b) => this.onReportBatch(b);
    engine.onStreamDown = (err) => this.failPending(err);
  }

  /** orders sent to the engine and not yet acknowledged (they are in `orders` too) */
  private pendingCount = 0;
  /** the write-ahead unit orders join until the writer seals it (see writeAhead) */
  private aheadBatch: { unit: WriteUnit; done: Promise<void> } | null = null;

  get openOrderCount(): number {
    return this.orders.size - this.pendingCount;
  }

  /**
   * A stored order row with the engine's order id filled in from memory: the write-ahead row is committed
   * before the engine assigns that id, which is written with the order's next change (see placeOrder).
   */
  withEngineOrderId<T extends { id: bigint; engineOrderId: bigint | null }>(row: T): T {
    if (row.engineOrderId !== null) return row;
    const live = this.orders.get(row.id)?.engineOrderId ?? null;
    return live === null ? row : { ...row, engineOrderId: live };
  }

  // ------------------------------------------------------------------ user state

  async user(userId: bigint): Promise<UserState> {
    const have = this.users.get(userId);
    if (have) return have;
    let p = this.loading.get(userId);
    if (!p) {
      p = this.loadUser(userId).finally(() => this.loading.delete(userId));
      this.loading.set(userId, p);
    }
    return p;
  }

  private async loadUser(userId: bigint): Promise<UserState> {
    const [account, positions, limits, open] = await Promise.all([
      this.prisma.account.findUnique({ where: { userId } }),
      this.prisma.position.findMany({ where: { userId } }),
      this.prisma.riskLimits.findUnique({ where: { userId } }),
      this.prisma.order.findMany({ where: { userId, status: { in: ["NEW", "PARTIALLY_FILLED"] } } }),
    ]);
    const already = this.users.get(userId);
    if (already) return already;
    const resolved = this.resolveLimits(limits);
    const u: UserState = {
      userId,
      cash: account?.cash ?? 0n,
      reserved: 0n,
      accountVersion: account?.version ?? 0n,
      positions: new Map(positions.map((p) => [p.symbol, { ...p }])),
      openOrders: new Map(),
      openLots: new Map(),
      limits: resolved,
      bucket: new TokenBucket(resolved.ordersPerSecond, resolved.orderBurst),
      clientIds: new Map(),
      liveClientIds: new Map(),
    };
    if (!account) {
      // Users always get an account row when created; a missing one is created empty so writes can land.
      await this.prisma.account.upsert({ where: { userId }, create: { userId }, update: {} });
    }
    for (const row of open) {
      const o: OrderState = {
        ...row,
        price: toNumberOrNull(row.price),
        quantity: Number(row.quantity),
        originalPrice: toNumberOrNull(row.originalPrice),
        originalQuantity: toNumberOrNull(row.originalQuantity),
        filledQuantity: Number(row.filledQuantity),
        leavesQuantity: Number(row.leavesQuantity),
        reservedCents: 0n,
        pending: false,
        countedLeaves: 0,
      };
      u.openOrders.set(o.id, o);
      this.orders.set(o.id, o);
      if (o.clientOrderId !== null) u.liveClientIds.set(o.clientOrderId, o);
      this.updateReservation(u, o);
    }
    this.users.set(userId, u);
    this.metrics.openOrders.set(this.openOrderCount);
    return u;
  }

  private resolveLimits(
    row: {
      maxPositionQuantity: { toString(): string };
      maxOrderQuantity: { toString(): string };
      maxOrderNotional: bigint;
      priceCollarBps: number;
      ordersPerSecond: number;
      orderBurst: number;
    } | null,
  ): ResolvedLimits {
    // Quantity limits are stored in shares; with lot size 1 (all configured symbols) a lot is a share.
    // Symbols with other lot sizes are converted per order in limitsFor().
    const r = row ?? {
      maxPositionQuantity: DEFAULT_LIMITS.maxPositionQuantity,
      maxOrderQuantity: DEFAULT_LIMITS.maxOrderQuantity,
      maxOrderNotional: DEFAULT_LIMITS.maxOrderNotionalCents,
      priceCollarBps: DEFAULT_LIMITS.priceCollarBps,
      ordersPerSecond: DEFAULT_LIMITS.ordersPerSecond,
      orderBurst: DEFAULT_LIMITS.orderBurst,
    };
    return {
      maxPositionLots: floorUnits(r.maxPositionQuantity.toString(), "1"),
      maxOrderLots: floorUnits(r.maxOrderQuantity.toString(), "1"),
      maxOrderNotionalCents: r.maxOrderNotional,
      priceCollarBps: r.priceCollarBps,
      ordersPerSecond: r.ordersPerSecond,
      orderBurst: r.orderBurst,
      maxPositionQuantity: r.maxPositionQuantity.toString(),
      maxOrderQuantity: r.maxOrderQuantity.toString(),
    };
  }

  private limitsFor(u: UserState, spec: SymbolSpec): ResolvedLimits {
    if (spec.lotSize === "1") return u.limits;
    return {
      ...u.limits,
      maxPositionLots: floorUnits(u.limits.maxPositionQuantity ?? "0", spec.lotSize),
      maxOrderLots: floorUnits(u.limits.maxOrderQuantity ?? "0", spec.lotSize),
    };
  }

  /** Admin changed limits: take effect for the next order. */
  async reloadLimits(userId: bigint): Promise<void> {
    const u = this.users.get(userId);
    if (!u) return;
    const row = await this.prisma.riskLimits.findUnique({ where: { userId } });
    u.limits = this.resolveLimits(row);
    u.bucket.configure(u.limits.ordersPerSecond, u.limits.orderBurst);
  }

  // ------------------------------------------------------------------ order entry

  async placeOrder(userId: bigint, req: PlaceOrderRequest, t0: bigint): Promise<OrderResult> {
    const spec = this.symbols.require(req.symbol);
    const tif = req.timeInForce ?? (req.type === "MARKET" ? "IOC" : "GTC");
    if (req.type === "LIMIT" && req.price === undefined) {
      throw new ApiError(400, "VALIDATION_ERROR", "price is required for LIMIT orders", { field: "price" });
    }
    if (req.type === "MARKET" && req.price !== undefined) {
      throw new ApiError(400, "VALIDATION_ERROR", "price must not be set for MARKET orders", {
        field: "price",
      });
    }
    if (req.type === "MARKET" && tif === "GTC") {
      throw new ApiError(400, "VALIDATION_ERROR", "MARKET orders must be IOC or FOK", {
        field: "timeInForce",
      });
    }
    if (req.type === "MARKET" && req.postOnly) {
      throw new ApiError(400, "VALIDATION_ERROR", "postOnly applies to LIMIT orders only", {
        field: "postOnly",
      });
    }
    const priceTicks = req.price === undefined ? null : priceToTicks(req.price, spec);
    const qtyLots = quantityToLots(req.quantity, spec);
    this.metrics.ordersReceived.inc();

    const u = await this.user(userId);
    if (req.clientOrderId !== undefined) {
      const dup = await this.findDuplicate(u, req.clientOrderId);
      if (dup) return dup;
    }
    if (!u.bucket.take()) {
      await this.recordRejection(u, req, "RISK_RATE_LIMIT", "order rate limit exceeded");
      throw new ApiError(429, "RISK_RATE_LIMIT", "order rate limit exceeded, slow down");
    }
    if (!this.engine.streamConnected || !this.ready) {
      throw new ApiError(
        503,
        "ENGINE_UNAVAILABLE",
        "the matching engine is not available, try again shortly",
      );
    }
    const limits = this.limitsFor(u, spec);
    const pos = u.positions.get(spec.symbol);
    const lots = u.openLots.get(spec.symbol);
    const openBuy = lots?.buy ?? 0n;
    const openSell = lots?.sell ?? 0n;
    const riskInput = {
      side: req.side,
      type: req.type,
      priceTicks,
      quantityLots: qtyLots,
      referencePriceTicks: this.referencePrice(spec.symbol),
      centsPerUnit: spec.centsPerUnit,
      positionLots: pos?.quantity ?? 0n,
      openBuyLots: openBuy,
      openSellLots: openSell,
      cashCents: u.cash,
      reservedCents: u.reserved,
    };
    const reject = checkOrder(riskInput, limits);
    if (reject) {
      await this.recordRejection(u, req, reject.code, reject.message);
      throw new ApiError(422, reject.code, reject.message);
    }
    // Re-check after the awaits above: a concurrent request may have taken this clientOrderId meanwhile.
    // From the last check to the claim below nothing awaits, so exactly one request claims the id.
    if (req.clientOrderId !== undefined) {
      for (;;) {
        const dup = await this.findDuplicate(u, req.clientOrderId);
        if (dup) return dup;
        if (!u.clientIds.has(req.clientOrderId)) break;
      }
    }

    const now = new Date();
    const order: OrderState = {
      id: nextOrderId(),
      userId,
      engineOrderId: null,
      clientOrderId: req.clientOrderId ?? null,
      symbol: spec.symbol,
      side: req.side,
      type: req.type,
      timeInForce: tif,
      postOnly: req.postOnly ?? false,
      price: priceTicks,
      quantity: qtyLots,
      originalPrice: priceTicks,
      originalQuantity: qtyLots,
      filledQuantity: 0,
      leavesQuantity: qtyLots,
      filledNotional: 0n,
      status: "NEW",
      rejectReason: null,
      version: 0n,
      createdAt: now,
      updatedAt: now,
      reservedCents: 0n,
      pending: true,
      countedLeaves: 0,
    };
    if (order.side === "BUY") {
      const est = estimatePriceTicks(riskInput, limits) ?? 0n;
      order.reservedCents = est * BigInt(qtyLots) * spec.centsPerUnit;
      u.reserved += order.reservedCents;
    }
    u.openOrders.set(order.id, order);
    this.orders.set(order.id, order);
    if (order.clientOrderId !== null) u.liveClientIds.set(order.clientOrderId, order);
    this.pendingCount++;
    this.syncOpenLots(u, order);

    const cmd: OrderCommand = {
      command: {
        $case: "newOrder",
        value: {
          requestId: 0,
          account: userId.toString(),
          clientOrderId: order.id.toString(),
          symbol: spec.symbol,
          side: order.side === "BUY" ? PbSide.BUY : PbSide.SELL,
          orderType: order.type === "LIMIT" ? PbOrderType.LIMIT : PbOrderType.MARKET,
          timeInForce:
            order.timeInForce === "GTC" ? PbTif.GTC : order.timeInForce === "IOC" ? PbTif.IOC : PbTif.FOK,
          price: priceTicks ?? 0,
          stopPrice: 0,
          trailingOffset: 0,
          quantity: qtyLots,
          displayQuantity: 0,
          postOnly: order.postOnly,
          expireTimeMs: 0,
          stpMode: 0,
        },
      },
    };
    // Write-ahead: the order's row is committed while the engine works on it, in parallel rather than one
    // after the other (the engine's plain acknowledgement then has nothing left to persist; see
    // onReportBatch). The client hears back only when both are done.
    const durable = this.writeAhead(order);
    const resultP = this.submit("new", order, cmd);
    const both = Promise.allSettled([resultP, durable]);
    if (order.clientOrderId !== null) {
      const coid = order.clientOrderId;
      const claim = { orderId: order.id, done: both as Promise<unknown> };
      u.clientIds.set(coid, claim);
      // Once settled the order is durable (or failed): later duplicates find it in the database.
      void claim.done.then(() => {
        if (u.clientIds.get(coid) === claim) u.clientIds.delete(coid);
      });
    }
    const [engineOutcome, durableOutcome] = await both;
    // A report that changed the order (a fill, a reject...) wrote its full row in a commit of its own, which
    // settled before the engine outcome did: then the order is durable even if the write-ahead row failed.
    const rowWrittenLater = engineOutcome.status === "fulfilled" && engineOutcome.value.wroteRow;
    if (durableOutcome.status === "rejected" && !rowWrittenLater) {
      // Never acknowledge what is not durable. An order the engine took is taken back.
      if (engineOutcome.status === "fulfilled" && this.orders.get(order.id) === order) {
        this.withdraw(order);
      } else {
        this.dropOrder(u, order);
      }
      throw new ApiError(
        503,
        "PERSISTENCE_FAILED",
        `could not persist the order: ${(durableOutcome.reason as Error).message}`,
      );
    }
    if (engineOutcome.status === "rejected") {
      // The row says NEW but the engine's answer is unknown (e.g. the stream broke): keep the order open
      // here, no longer pending, so that reconciliation adopts it if the engine has it and closes it if not.
      this.unpend(order);
      throw engineOutcome.reason;
    }
    const result = engineOutcome.value;
    const view = orderView(result.order, this.symbols);
    const fills = result.fills.map((f, i) => fillView({ ...f, id: f.id ?? BigInt(-i - 1) }, this.symbols));
    this.metrics.observeAck(Number(process.hrtime.bigint() - t0) / 1e9);
    if (result.order.status === "REJECTED") {
      const code = `ENGINE_${result.order.rejectReason ?? "REJECTED"}`;
      this.metrics.ordersRejected.inc({ reason: code });
      throw new ApiError(422, code, result.rejected?.text || "rejected by the matching engine", {
        order: view,
      });
    }
    this.metrics.ordersAccepted.inc();
    return { status: 201, order: view, fills };
  }

  private async findDuplicate(u: UserState, clientOrderId: string): Promise<OrderResult | null> {
    const inFlight = u.clientIds.get(clientOrderId);
    if (inFlight) await inFlight.done;
    const row = await this.prisma.order.findUnique({
      where: { userId_clientOrderId: { userId: u.userId, clientOrderId } },
    });
    if (!row) {
      // Not in the database but open here: its row could not be written yet (e.g. a failed commit).
      const live = u.liveClientIds.get(clientOrderId);
      if (live && !live.pending) {
        return { status: 200, order: orderView(live, this.symbols), fills: [], duplicate: true };
      }
      return null;
    }
    return { status: 200, order: orderView(row, this.symbols), fills: [], duplicate: true };
  }

  private async recordRejection(
    u: UserState,
    req: PlaceOrderRequest,
    code: string,
    reason: string,
  ): Promise<void> {
    this.metrics.ordersRejected.inc({ reason: code });
    const unit = new WriteUnit();
    unit.rejections.push({
      userId: u.userId,
      clientOrderId: req.clientOrderId ?? null,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      price: req.price ?? null,
      quantity: req.quantity,
      code,
      reason,
      createdAt: new Date(),
    });
    await this.writer.commit(unit);
  }

  async cancelOrder(userId: bigint, orderId: bigint): Promise<OrderResult> {
    const order = await this.openOrderOf(userId, orderId);
    const r = await this.submit("cancel", order, cancelCommand(order));
    if (r.rejected) {
      throw new ApiError(409, "ORDER_NOT_OPEN", "order is no longer open", {
        order: orderView(r.order, this.symbols),
      });
    }
    return { status: 200, order: orderView(r.order, this.symbols), fills: [] };
  }

  async modifyOrder(
    userId: bigint,
    orderId: bigint,
    body: { price?: string; quantity?: string },
  ): Promise<OrderResult> {
    if (body.price === undefined && body.quantity === undefined) {
      throw new ApiError(400, "VALIDATION_ERROR", "give price and/or quantity to modify");
    }
    const order = await this.openOrderOf(userId, orderId);
    if (order.type !== "LIMIT")
      throw new ApiError(409, "ORDER_NOT_MODIFIABLE", "only resting LIMIT orders can be modified");
    const spec = this.symbols.require(order.symbol);
    const newPrice = body.price === undefined ? null : priceToTicks(body.price, spec);
    const newQty = body.quantity === undefined ? null : quantityToLots(body.quantity, spec);
    if (newQty !== null && newQty <= order.filledQuantity) {
      throw new ApiError(400, "INVALID_QUANTITY", "new quantity must be greater than the filled quantity");
    }
    const u = await this.user(userId);
    const limits = this.limitsFor(u, spec);
    const price = newPrice ?? order.price ?? 0;
    const qty = newQty ?? order.quantity;
    const addLots = qty - order.quantity;
    // open quantity of the user's OTHER orders on this symbol
    const lots = u.openLots.get(spec.symbol);
    const own = BigInt(order.countedLeaves);
    const openBuy = (lots?.buy ?? 0n) - (order.side === "BUY" ? own : 0n);
    const openSell = (lots?.sell ?? 0n) - (order.side === "SELL" ? own : 0n);
    const leaves = qty - order.filledQuantity;
    const reject = checkOrder(
      {
        side: order.side,
        type: "LIMIT",
        priceTicks: price,
        quantityLots: leaves,
        referencePriceTicks: this.referencePrice(spec.symbol),
        centsPerUnit: spec.centsPerUnit,
        positionLots: u.positions.get(spec.symbol)?.quantity ?? 0n,
        openBuyLots: openBuy,
        openSellLots: openSell,
        cashCents: u.cash,
        reservedCents: u.reserved - order.reservedCents,
      },
      { ...limits, maxOrderLots: addLots > 0 ? limits.maxOrderLots : BigInt(Number.MAX_SAFE_INTEGER) },
    );
    if (reject) throw new ApiError(422, reject.code, reject.message);
    const cmd: OrderCommand = {
      command: {
        $case: "modify",
        value: {
          requestId: 0,
          account: userId.toString(),
          symbol: order.symbol,
          orderId: order.engineOrderId === null ? 0 : Number(order.engineOrderId),
          clientOrderId: order.engineOrderId === null ? order.id.toString() : "",
          newPrice: newPrice ?? 0,
          newQuantity: newQty ?? 0,
        },
      },
    };
    const r = await this.submit("modify", order, cmd);
    if (r.rejected) {
      const reason = RejectReason[r.rejected.rejectReason] ?? "REJECTED";
      if (r.rejected.rejectReason === RejectReason.UNKNOWN_ORDER) {
        throw new ApiError(409, "ORDER_NOT_OPEN", "order is no longer open");
      }
      throw new ApiError(
        422,
        `ENGINE_${reason}`,
        r.rejected.text || "modify rejected by the matching engine",
      );
    }
    return {
      status: 200,
      order: orderView(r.order, this.symbols),
      fills: r.fills.map((f, i) => fillView({ ...f, id: f.id ?? BigInt(-i - 1) }, this.symbols)),
    };
  }

  /** The caller's open order, or 404 (someone else's order looks exactly like a missing one). */
  private async openOrderOf(userId: bigint, orderId: bigint): Promise<OrderState> {
    if (!this.engine.streamConnected || !this.ready) {
      throw new ApiError(
        503,
        "ENGINE_UNAVAILABLE",
        "the matching engine is not available, try again shortly",
      );
    }
    await this.user(userId);
    const mem = this.orders.get(orderId);
    if (mem && mem.userId === userId && OPEN.has(mem.status)) return mem;
    const row = await this.prisma.order.findFirst({ where: { id: orderId, userId } });
    if (!row) throw new ApiError(404, "NOT_FOUND", "order not found");
    throw new ApiError(409, "ORDER_NOT_OPEN", `order is ${row.status}`, { status: row.status });
  }

  private submit(kind: Pending["kind"], order: OrderState, cmd: OrderCommand) {
    const requestId = this.nextRequestId++;
    if (cmd.command) cmd.command.value.requestId = requestId;
    return new Promise<EngineOutcome>((resolve, reject) => {
      this.pending.set(requestId, { kind, order, fills: [], resolve, reject });
      try {
        this.engine.send(cmd);
      } catch (e) {
        this.pending.delete(requestId);
        reject(
          e instanceof EngineUnavailableError
            ? new ApiError(
                503,
                "ENGINE_UNAVAILABLE",
                "the matching engine is not available, try again shortly",
              )
            : e,
        );
      }
    });
  }

  private failPending(err: Error): void {
    if (this.pending.size > 0)
      this.log.warn({ err: err.message, pending: this.pending.size }, "engine stream down");
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      // The engine may have taken a new order before the stream broke: remember what only we know about it
      // (client order id, post-only, creation time) so reconciliation can adopt it faithfully.
      if (p.kind === "new") this.limbo.set(p.order.id, { ...p.order });
      p.reject(new ApiError(503, "ENGINE_UNAVAILABLE", "lost the connection to the matching engine"));
    }
  }

  private dropOrder(u: UserState, o: OrderState): void {
    if (!o.pending) return;
    o.pending = false;
    this.pendingCount--;
    this.syncOpenLots(u, o, 0);
    u.reserved -= o.reservedCents;
    o.reservedCents = 0n;
    u.openOrders.delete(o.id);
    this.orders.delete(o.id);
    this.forgetClientId(u, o);
  }

  /**
   * Queues the order's write-ahead row. Orders placed until the writer starts on the unit share it (one unit
   * and one commit promise per event-loop turn, not one per order).
   */
  private writeAhead(o: OrderState): Promise<void> {
    const open = this.aheadBatch;
    if (open && !open.unit.sealed) {
      open.unit.orders.set(o.id, orderRow(o));
      return open.done;
    }
    const unit = new WriteUnit();
    unit.orders.set(o.id, orderRow(o));
    const batch = { unit, done: this.writer.commit(unit) };
    this.aheadBatch = batch;
    return batch.done;
  }

  private unpend(o: OrderState): void {
    if (!o.pending) return;
    o.pending = false;
    this.pendingCount--;
  }

  /** Cancels an order the engine accepted but whose row could not be written (best effort, result ignored). */
  private withdraw(o: OrderState): void {
    this.submit("cancel", o, cancelCommand(o)).catch((err: unknown) =>
      this.log.warn({ err, orderId: o.id.toString() }, "could not withdraw an order that was not persisted"),
    );
  }

  private forgetClientId(u: UserState, o: OrderState): void {
    if (o.clientOrderId !== null && u.liveClientIds.get(o.clientOrderId) === o)
      u.liveClientIds.delete(o.clientOrderId);
  }

  // ------------------------------------------------------------------ execution reports

  private onReportBatch(batch: ReportBatch): void {
    if (batch.reports.length === 0) return;
    const byRequest = new Map<number, Pending>();
    const units = new Map<number, WriteUnit>();
    const naive = this.writer.mode === "naive";
    const shared = new WriteUnit();
    const published: { userId: bigint; order?: OrderState; fill?: FillRow }[] = [];
    for (const r of batch.reports) {
      const p = this.pending.get(r.requestId);
      if (p) byRequest.set(r.requestId, p);
      // naive mode: one transaction per request (the baseline); group: one for the whole batch.
      let unit = shared;
      if (naive) {
        unit = units.get(r.requestId) ?? new WriteUnit();
        units.set(r.requestId, unit);
      }
      if (p && p.kind !== "new" && r.execType === ExecType.EXEC_REJECTED) {
        p.rejected = r; // a rejected cancel/modify leaves the order as it is
        continue;
      }
      const order = this.routeReport(r, p);
      if (!order) {
        if (/^\d{1,19}$/.test(r.account)) {
          this.log.warn(
            { seq: r.seq, orderId: r.orderId, account: r.account },
            "report for an unknown order",
          );
        }
        continue;
      }
      // The engine's plain acknowledgement of an order placed here changes nothing the write-ahead row
      // (placeOrder) does not already hold: it is applied in memory only.
      const quiet = r.execType === ExecType.EXEC_NEW && p?.kind === "new" && p.order === order;
      if (!quiet && p && p.order === order) p.wroteRow = true;
      const fill = this.applyReport(order, r, quiet ? null : unit);
      if (p && p.order === order && fill) p.fills.push(fill);
      if (p && p.order === order && r.execType === ExecType.EXEC_REJECTED) p.rejected = r;
      if (this.publisher.wants(order.userId)) {
        published.push({ userId: order.userId, order: { ...order } });
        if (fill) published.push({ userId: order.userId, fill });
      }
    }
    this.metrics.openOrders.set(this.openOrderCount);
    const finish = () => {
      for (const [id, p] of byRequest) {
        this.pending.delete(id);
        p.resolve({
          order: { ...p.order },
          fills: p.fills,
          rejected: p.rejected,
          wroteRow: p.wroteRow === true,
        });
      }
      for (const e of published) {
        if (!this.publisher.wants(e.userId)) continue;
        if (e.order) this.publisher.order(e.userId, orderView(e.order, this.symbols));
        if (e.fill) this.publisher.fill(e.userId, fillView({ ...e.fill, id: e.fill.id ?? 0n }, this.symbols));
      }
    };
    const fail = (err: Error) => {
      for (const [id, p] of byRequest) {
        this.pending.delete(id);
        p.reject(new ApiError(503, "PERSISTENCE_FAILED", `could not persist the order: ${err.message}`));
      }
    };
    // Not held back behind a write-ahead row still in flight: every unit carries the full row of each order
    // it touches (version-guarded upserts), and the history is ordered by the engine's sequence numbers.
    (naive
      ? Promise.all([...units.values()].map((u) => this.writer.commit(u)))
      : this.writer.commit(shared)
    ).then(finish, fail);
  }

  private routeReport(r: ExecutionReport, p: Pending | undefined): OrderState | undefined {
    // Accounts of backend users are their numeric ids; anything else (e.g. the engine's liquidity provider)
    // is not ours — without this, such reports would fall through to the scan below.
    if (!p && r.account !== "" && !/^\d{1,19}$/.test(r.account)) return undefined;
    if (r.clientOrderId !== "" && /^\d{1,20}$/.test(r.clientOrderId)) {
      const o = this.orders.get(BigInt(r.clientOrderId));
      if (o) return o;
    }
    if (p && p.kind === "new" && p.order.engineOrderId === null) return p.order;
    for (const o of this.orders.values())
      if (o.engineOrderId === BigInt(r.orderId) && r.orderId !== 0) return o;
    return undefined;
  }

  /**
   * Applies one report to the order, the owner's position and cash and queues its rows in `unit` (null: in
   * memory only — the engine's plain acknowledgement of a write-ahead order, which is never a trade or a
   * reject). Returns the fill, if any.
   */
  private applyReport(
    o: OrderState,
    r: ExecutionReport,
    unit: WriteUnit | null,
    text?: string,
  ): FillRow | undefined {
    const u = this.users.get(o.userId);
    if (!u) return undefined; // every order in memory belongs to a loaded user
    const now = new Date();
    if (o.pending) {
      o.pending = false;
      this.pendingCount--;
    }
    if (r.orderId !== 0) o.engineOrderId = BigInt(r.orderId);
    const status = STATUS[r.status] ?? o.status;
    o.status = status;
    if (o.type === "LIMIT" && r.price > 0) o.price = r.price;
    if (r.quantity > 0) o.quantity = r.quantity;
    o.filledQuantity = r.filledQuantity;
    o.leavesQuantity = OPEN.has(status) ? r.leavesQuantity : 0;
    if (status === "REJECTED" || (status === "CANCELLED" && r.rejectReason !== RejectReason.REJECT_NONE)) {
      o.rejectReason = RejectReason[r.rejectReason] ?? "UNKNOWN";
    }
    // Monotonic row version guards the upsert against out-of-order writes; reconciliation snapshots carry no
    // sequence number (seq 0), so the version also always moves forward by itself.
    o.version = BigInt(r.seq) > o.version ? BigInt(r.seq) : o.version + 1n;
    o.updatedAt = now;
    let fill: FillRow | undefined;
    if (r.execType === ExecType.EXEC_TRADE && r.lastQuantity > 0) {
      const spec = this.symbols.get(o.symbol);
      const cpu = spec?.centsPerUnit ?? 1n;
      o.filledNotional += BigInt(r.lastPrice) * BigInt(r.lastQuantity);
      const pos = u.positions.get(o.symbol) ?? { quantity: 0n, costBasis: 0n, realizedPnl: 0n, version: 0n };
      u.positions.set(o.symbol, pos);
      const cash = applyFill(pos, o.side, BigInt(r.lastQuantity), BigInt(r.lastPrice), cpu);
      pos.version += 1n;
      pos.updatedAt = now;
      u.cash += cash;
      u.accountVersion += 1n;
      unit?.positions.set(`${u.userId}:${o.symbol}`, {
        userId: u.userId,
        symbol: o.symbol,
        quantity: pos.quantity,
        costBasis: pos.costBasis,
        realizedPnl: pos.realizedPnl,
        version: pos.version,
        updatedAt: now,
      });
      unit?.accounts.set(u.userId, {
        userId: u.userId,
        cash: u.cash,
        version: u.accountVersion,
        updatedAt: now,
      });
      fill = {
        orderId: o.id,
        userId: o.userId,
        symbol: o.symbol,
        side: o.side,
        price: r.lastPrice,
        quantity: r.lastQuantity,
        liquidity: r.isMaker ? "MAKER" : "TAKER",
        tradeId: BigInt(r.tradeId),
        engineSeq: BigInt(r.seq),
        createdAt: now,
      };
      unit?.fills.push(fill);
      this.metrics.fills.inc({ liquidity: fill.liquidity });
    }
    this.updateReservation(u, o);
    if (!OPEN.has(status)) {
      u.openOrders.delete(o.id);
      this.orders.delete(o.id);
      this.forgetClientId(u, o);
    }
    if (unit === null) return fill;
    unit.orders.set(o.id, orderRow(o));
    unit.events.push({
      orderId: o.id,
      engineSeq: BigInt(r.seq),
      type: text ? "RECONCILED" : (ExecType[r.execType] ?? "UNKNOWN"),
      status,
      price: o.price,
      quantity: o.quantity,
      filledQuantity: o.filledQuantity,
      leavesQuantity: o.leavesQuantity,
      text: text ?? (r.text || null),
      createdAt: now,
    });
    if (status === "REJECTED") {
      unit.rejections.push({
        userId: o.userId,
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        price: o.price === null ? null : o.price.toString(),
        quantity: o.quantity.toString(),
        code: `ENGINE_${o.rejectReason}`,
        reason: r.text || "rejected by the engine",
        createdAt: now,
      });
    }
    return fill;
  }

  private updateReservation(u: UserState, o: OrderState): void {
    let want = 0n;
    if (o.side === "BUY" && OPEN.has(o.status) && o.type === "LIMIT" && o.price !== null) {
      const spec = this.symbols.get(o.symbol);
      want = BigInt(o.price) * BigInt(o.leavesQuantity) * (spec?.centsPerUnit ?? 1n);
    }
    u.reserved += want - o.reservedCents;
    o.reservedCents = want;
    this.syncOpenLots(u, o);
  }

  /** Keeps u.openLots equal to the sum of leaves of the user's open orders per symbol and side. */
  private syncOpenLots(
    u: UserState,
    o: OrderState,
    leaves = OPEN.has(o.status) ? o.leavesQuantity : 0,
  ): void {
    const delta = BigInt(leaves - o.countedLeaves);
    if (delta === 0n) return;
    let lots = u.openLots.get(o.symbol);
    if (!lots) {
      lots = { buy: 0n, sell: 0n };
      u.openLots.set(o.symbol, lots);
    }
    if (o.side === "BUY") lots.buy += delta;
    else lots.sell += delta;
    o.countedLeaves = leaves;
  }

  // ------------------------------------------------------------------ startup and reconciliation

  /** Loads every user that has open orders, so reports for resting orders always find their owner. */
  async loadOpenOrders(): Promise<void> {
    const owners = await this.prisma.order.findMany({
      where: { status: { in: ["NEW", "PARTIALLY_FILLED"] } },
      select: { userId: true },
      distinct: ["userId"],
    });
    for (const o of owners) await this.user(o.userId);
  }

  /**
   * Makes backend state match the engine: open orders the engine no longer has are closed (CANCELLED), fills
   * the engine made while we were away are booked at the resting order's own price (a maker always trades at
   * its limit), and engine orders we never persisted are adopted.
   */
  reconcile(): Promise<void> {
    if (!this.reconciling) {
      this.reconciling = this.doReconcile().finally(() => {
        this.reconciling = null;
      });
    }
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    const engineOpen = await this.engine.getOpenOrders();
    const unit = new WriteUnit();
    const seen = new Set<bigint>();
    let adopted = 0;
    let closed = 0;
    let booked = 0;
    for (const r of engineOpen) {
      const account = /^\d{1,19}$/.test(r.account) ? BigInt(r.account) : null;
      if (account === null) continue; // not one of ours (e.g. the engine's liquidity provider)
      const id = /^\d{1,20}$/.test(r.clientOrderId) ? BigInt(r.clientOrderId) : null;
      if (id === null) continue;
      const u = await this.user(account);
      let o = this.orders.get(id);
      if (!o) {
        const row =
          (await this.prisma.order.findUnique({ where: { id } })) ??
          (this.limbo.get(id)?.userId === account ? (this.limbo.get(id) ?? null) : null);
        if (row && row.userId !== account) continue;
        const now = new Date();
        o = {
          id,
          userId: account,
          engineOrderId: BigInt(r.orderId),
          clientOrderId: row?.clientOrderId ?? null,
          symbol: r.symbol,
          side: r.side === PbSide.SELL ? "SELL" : "BUY",
          type: r.orderType === PbOrderType.MARKET ? "MARKET" : "LIMIT",
          timeInForce: r.timeInForce === PbTif.IOC ? "IOC" : r.timeInForce === PbTif.FOK ? "FOK" : "GTC",
          postOnly: row?.postOnly ?? false,
          price: r.price > 0 ? r.price : null,
          quantity: r.quantity,
          // without a row of ours its history starts with the RECONCILED event (accepted terms unknown)
          originalPrice: row ? toNumberOrNull(row.originalPrice) : null,
          originalQuantity: row ? toNumberOrNull(row.originalQuantity) : null,
          filledQuantity: row ? Number(row.filledQuantity) : 0,
          leavesQuantity: r.leavesQuantity,
          filledNotional: row?.filledNotional ?? 0n,
          status: "NEW",
          rejectReason: null,
          version: 0n,
          createdAt: row?.createdAt ?? now,
          updatedAt: now,
          reservedCents: 0n,
          pending: false,
          countedLeaves: 0,
        };
        u.openOrders.set(id, o);
        this.orders.set(id, o);
        if (o.clientOrderId !== null) u.liveClientIds.set(o.clientOrderId, o);
        adopted++;
      }
      seen.add(id);
      const missing = r.filledQuantity - o.filledQuantity;
      if (missing > 0 && o.price !== null) {
        booked++;
        this.applyReport(
          o,
          {
            ...r,
            execType: ExecType.EXEC_TRADE,
            lastPrice: o.price,
            lastQuantity: missing,
            tradeId: 0,
            isMaker: true,
          },
          unit,
          "reconcile: fill made while the backend was away, booked at the order's limit price",
        );
      } else {
        this.applyReport(
          o,
          { ...r, execType: ExecType.EXEC_RESTATED },
          unit,
          "reconcile: state taken from the engine",
        );
      }
    }
    for (const o of [...this.orders.values()]) {
      if (seen.has(o.id) || o.pending) continue;
      closed++;
      this.applyReport(
        o,
        {
          seq: Number(o.version),
          requestId: 0,
          orderId: Number(o.engineOrderId ?? 0n),
          clientOrderId: o.id.toString(),
          account: o.userId.toString(),
          symbol: o.symbol,
          execType: ExecType.EXEC_CANCELED,
          status: PbStatus.CANCELLED,
          side: o.side === "BUY" ? PbSide.BUY : PbSide.SELL,
          orderType: o.type === "LIMIT" ? PbOrderType.LIMIT : PbOrderType.MARKET,
          price: o.price ?? 0,
          quantity: o.quantity,
          filledQuantity: o.filledQuantity,
          leavesQuantity: 0,
          lastPrice: 0,
          lastQuantity: 0,
          tradeId: 0,
          isMaker: false,
          rejectReason: RejectReason.REJECT_NONE,
          text: "",
          timestampNs: 0,
          timeInForce: 0,
          stopPrice: 0,
        },
        unit,
        "reconcile: not open in the engine any more",
      );
    }
    await this.writer.commit(unit);
    this.limbo.clear();
    this.metrics.openOrders.set(this.openOrderCount);
    this.log.info({ engineOpen: engineOpen.length, adopted, closed, booked }, "reconciled with the engine");
  }
}
