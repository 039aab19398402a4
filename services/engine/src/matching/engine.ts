// The MatchingEngine facade: proto commands in, proto execution reports out (see /docs contract). Owns the books
// of every symbol on one shared order pool, the trigger books (stops, trailing stops), GTD expiry, self-trade
// prevention defaults, client order ids and the engine-side risk checks. No I/O, no timers, no logging.
import {
  type BookSnapshot,
  type CancelRequest,
  ExecType,
  type ExecutionReport,
  type ModifyRequest,
  type NewOrder,
  OrderStatus,
  OrderType,
  RejectReason,
  Side,
  StpMode,
  TimeInForce,
} from "@hft/proto";
import { bandHigh, bandLow, checkOpenOrders, checkOrder, type RiskReject } from "../risk/risk.js";
import { type BookSink, MATCH_STP_TAKER, OrderBook } from "./book.js";
import { ExpiryQueue } from "./expiry.js";
import { ACTIVE, BUY, NIL, OrderPool, PENDING, RESTING, SELL } from "./pool.js";
import { rejectReport } from "./reject.js";

export interface SymbolSpec {
  symbol: string;
  tickSize: string;
  lotSize: string;
  referencePrice: number;
  priceBandBps: number;
  maxOrderQuantity: number;
  maxOrderNotional: number;
}

export interface EngineOptions {
  symbols: SymbolSpec[];
  maxOpenOrdersPerAccount: number;
  defaultStpMode: StpMode;
  orderPoolSize?: number;
  nowNs?: () => number;
}

export interface MarketDataListener {
  onTrade(
    symbol: string,
    tradeId: number,
    price: number,
    quantity: number,
    aggressor: Side,
    tsNs: number,
  ): void;
  onBookChanged(symbol: string): void;
}

interface SymbolState {
  spec: SymbolSpec;
  book: OrderBook;
  /** slots of orders waiting in the trigger book, in arrival order */
  stops: number[];
  dirty: boolean;
  checkedTrades: number;
}

const DEFAULT_DEPTH = 10;
const MAX_CLIENT_ORDER_ID = 64;

function isPosInt(v: number): boolean {
  return Number.isSafeInteger(v) && v > 0;
}

export class MatchingEngine {
  private readonly pool: OrderPool;
  private readonly symbols: SymbolState[] = [];
  private readonly bySymbol = new Map<string, SymbolState>();
  private readonly listener: MarketDataListener | undefined;
  private readonly maxOpen: number;
  private readonly defaultStp: number;
  private readonly now: () => number;
  private readonly expiries = new ExpiryQueue();

  // per-slot metadata the numeric book does not need
  private readonly mAccount: string[] = [];
  private readonly mClOrdId: string[] = [];
  private readonly mType: number[] = [];
  private readonly mTif: number[] = [];
  private readonly mStop: number[] = [];
  private readonly mTrail: number[] = [];
  private readonly mPostOnly: boolean[] = [];

  private readonly ownerIds = new Map<string, number>();
  private readonly openByOwner: number[] = [];
  /** account + "\u0000" + client order id -> slot, live orders only */
  private readonly clOrdIds = new Map<string, number>();

  private seq = 0;
  private orderSeq = 0;
  private tradeSeq = 0;
  private open = 0;

  // per-command context used by the sink callbacks
  private out: ExecutionReport[] = [];
  private requestId = 0;
  private ts = 0;
  private cur: SymbolState | undefined;

  private readonly sink: BookSink;

  constructor(options: EngineOptions, listener?: MarketDataListener) {
    this.pool = new OrderPool(options.orderPoolSize ?? 1 << 16);
    this.listener = listener;
    this.maxOpen = options.maxOpenOrdersPerAccount;
    this.defaultStp =
      options.defaultStpMode === StpMode.STP_DEFAULT ? StpMode.STP_NONE : options.defaultStpMode;
    this.now = options.nowNs ?? (() => Date.now() * 1e6);
    this.sink = {
      onTrade: (maker, taker, price, qty) => this.onTrade(maker, taker, price, qty),
      onMakerFilled: (maker) => this.retire(maker),
      onRefresh: (maker) =>
        this.out.push(this.report(maker, ExecType.EXEC_RESTATED, OrderStatus.STATUS_UNSPECIFIED)),
      onStpCancel: (maker) => {
        this.out.push(
          this.report(
            maker,
            ExecType.EXEC_CANCELED,
            OrderStatus.CANCELLED,
            RejectReason.SELF_TRADE_PREVENTED,
            "cancelled by self-trade prevention",
          ),
        );
        this.retire(maker);
      },
    };
    for (const s of options.symbols) {
      if (this.bySymbol.has(s.symbol)) throw new Error(`duplicate symbol ${s.symbol}`);
      const state: SymbolState = {
        spec: { ...s },
        book: new OrderBook(this.pool, this.sink, this.symbols.length, s.referencePrice),
        stops: [],
        dirty: false,
        checkedTrades: 0,
      };
      this.symbols.push(state);
      this.bySymbol.set(s.symbol, state);
    }
  }

  // ================================================================== commands

  submit(cmd: NewOrder, out: ExecutionReport[]): void {
    this.begin(cmd.requestId, out);
    const sym = this.bySymbol.get(cmd.symbol);
    if (sym === undefined) {
      this.rejectNew(cmd, RejectReason.UNKNOWN_SYMBOL, `unknown symbol "${cmd.symbol}"`);
      return;
    }
    this.cur = sym;
    const bad = this.validateNew(cmd, sym);
    if (bad !== null) {
      this.rejectNew(cmd, bad.reason, bad.text);
      this.end();
      return;
    }
    const p = this.pool;
    const type = cmd.orderType;
    const isStop =
      type === OrderType.STOP_MARKET || type === OrderType.STOP_LIMIT || type === OrderType.TRAILING_STOP;
    const tif = cmd.timeInForce === TimeInForce.TIF_UNSPECIFIED ? defaultTif(type) : cmd.timeInForce;
    const book = sym.book;
    const s = p.alloc(++this.orderSeq);
    p.side[s] = cmd.side;
    p.price[s] = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT ? cmd.price : 0;
    p.qty[s] = cmd.quantity;
    p.display[s] = cmd.displayQuantity;
    p.owner[s] = this.ownerOf(cmd.account);
    p.stp[s] = cmd.stpMode === StpMode.STP_DEFAULT ? this.defaultStp : cmd.stpMode;
    p.book[s] = book.index;
    this.mAccount[s] = cmd.account;
    this.mClOrdId[s] = cmd.clientOrderId;
    this.mType[s] = type;
    this.mTif[s] = tif;
    this.mPostOnly[s] = cmd.postOnly;
    this.mTrail[s] = type === OrderType.TRAILING_STOP ? cmd.trailingOffset : 0;
    this.mStop[s] = isStop ? this.initialTrigger(cmd, sym) : 0;
    this.accept(s);
    if (tif === TimeInForce.GTD) this.expiries.push(cmd.expireTimeMs, p.id[s]);

    if (isStop) {
      p.state[s] = PENDING;
      sym.stops.push(s);
      this.out.push(this.report(s, ExecType.EXEC_NEW, OrderStatus.PENDING_TRIGGER));
      this.runTriggers(sym, true);
    } else {
      this.runTaker(s, sym, false);
      this.runTriggers(sym, false);
    }
    this.end();
  }

  cancel(cmd: CancelRequest, out: ExecutionReport[]): void {
    this.begin(cmd.requestId, out);
    const s = this.findOwned(cmd.account, cmd.symbol, cmd.orderId, cmd.clientOrderId);
    if (s === NIL) {
      this.out.push(this.rejectCmd(cmd.account, cmd.symbol, cmd.orderId, cmd.clientOrderId));
      return;
    }
    const sym = this.symbols[this.pool.book[s]];
    this.cur = sym;
    this.out.push(
      this.report(s, ExecType.EXEC_CANCELED, OrderStatus.CANCELLED, RejectReason.REJECT_NONE, "cancelled"),
    );
    this.removeLive(s, sym);
    this.end();
  }

  modify(cmd: ModifyRequest, out: ExecutionReport[]): void {
    this.begin(cmd.requestId, out);
    const p = this.pool;
    const s = this.findOwned(cmd.account, cmd.symbol, cmd.orderId, cmd.clientOrderId);
    if (s === NIL) {
      this.out.push(this.rejectCmd(cmd.account, cmd.symbol, cmd.orderId, cmd.clientOrderId));
      return;
    }
    const sym = this.symbols[p.book[s]];
    this.cur = sym;
    const rej = (reason: RejectReason, text: string): void => {
      this.out.push(this.report(s, ExecType.EXEC_REJECTED, currentStatus(p, s), reason, text));
      this.end();
    };
    if (p.state[s] !== RESTING) {
      rej(
        RejectReason.ORDER_NOT_MODIFIABLE,
        "orders waiting for their trigger cannot be modified; cancel instead",
      );
      return;
    }
    if (!Number.isSafeInteger(cmd.newPrice) || cmd.newPrice < 0) {
      rej(
        Number.isFinite(cmd.newPrice) && cmd.newPrice > 0
          ? RejectReason.PRICE_OFF_TICK
          : RejectReason.INVALID_PRICE,
        `new price ${cmd.newPrice} must be a positive integer number of ticks (0 = unchanged)`,
      );
      return;
    }
    if (!Number.isSafeInteger(cmd.newQuantity) || cmd.newQuantity < 0) {
      rej(
        Number.isFinite(cmd.newQuantity) && cmd.newQuantity > 0
          ? RejectReason.QUANTITY_OFF_LOT
          : RejectReason.INVALID_QUANTITY,
        `new quantity ${cmd.newQuantity} must be a positive integer number of lots (0 = unchanged)`,
      );
      return;
    }
    if (cmd.newPrice === 0 && cmd.newQuantity === 0) {
      rej(RejectReason.ORDER_NOT_MODIFIABLE, "nothing to modify: new_price and new_quantity are both 0");
      return;
    }
    const oldPrice = p.price[s];
    const oldQty = p.qty[s];
    const price = cmd.newPrice === 0 ? oldPrice : cmd.newPrice;
    const qty = cmd.newQuantity === 0 ? oldQty : cmd.newQuantity;
    if (qty <= p.filled[s]) {
      rej(
        RejectReason.INVALID_QUANTITY,
        `new quantity ${qty} must exceed the filled quantity ${p.filled[s]}`,
      );
      return;
    }
    if (p.display[s] > 0 && p.display[s] >= qty) {
      rej(RejectReason.INVALID_DISPLAY_QUANTITY, `new quantity ${qty} must exceed the display quantity`);
      return;
    }
    const risk = checkOrder(sym.spec, p.side[s] === BUY ? "buy" : "sell", price, qty - p.filled[s], 0);
    if (risk !== null) {
      rej(risk.reason, risk.text);
      return;
    }
    const book = sym.book;
    if (price === oldPrice && qty <= oldQty) {
      // amend down (or same): keeps queue position
      if (qty < oldQty) book.reduce(s, qty);
      this.out.push(this.report(s, ExecType.EXEC_REPLACED, currentStatus(p, s)));
      sym.dirty = true;
      this.end();
      return;
    }
    if (this.mPostOnly[s] && book.wouldCross(p.side[s], price)) {
      rej(RejectReason.POST_ONLY_WOULD_TAKE, `post-only order would trade at ${price}`);
      return;
    }
    if (!book.ensure(price)) {
      rej(RejectReason.PRICE_BAND, `price ${price} is too far from the prices resting in the book`);
      return;
    }
    // price change or quantity up: cancel/replace, loses time priority and may trade at the new price
    book.remove(s);
    p.state[s] = ACTIVE;
    p.price[s] = price;
    p.qty[s] = qty;
    p.reserve[s] = 0;
    p.shown[s] = 0;
    this.out.push(this.report(s, ExecType.EXEC_REPLACED, currentStatus(p, s)));
    this.matchAndSettle(s, sym, price);
    this.runTriggers(sym, false);
    this.end();
  }

  expire(nowMs: number, out: ExecutionReport[]): void {
    this.begin(0, out);
    const p = this.pool;
    for (;;) {
      const id = this.expiries.popDue(nowMs);
      if (id < 0) break;
      const s = p.slotOf(id);
      if (s === NIL || (p.state[s] !== RESTING && p.state[s] !== PENDING)) continue;
      const sym = this.symbols[p.book[s]];
      this.out.push(
        this.report(s, ExecType.EXEC_EXPIRED, OrderStatus.CANCELLED, RejectReason.REJECT_NONE, "GTD expired"),
      );
      this.removeLive(s, sym);
      if (this.listener !== undefined && sym.dirty) this.listener.onBookChanged(sym.spec.symbol);
      sym.dirty = false;
    }
  }

  setReferencePrice(symbol: string, priceTicks: number): boolean {
    const sym = this.bySymbol.get(symbol);
    if (sym === undefined || !isPosInt(priceTicks)) return false;
    sym.spec.referencePrice = priceTicks;
    return true;
  }

  getSymbols(): SymbolSpec[] {
    return this.symbols.map((s) => ({ ...s.spec }));
  }

  snapshot(symbol: string, depth: number): BookSnapshot | undefined {
    const sym = this.bySymbol.get(symbol);
    if (sym === undefined) return undefined;
    const b = sym.book;
    const d = depth > 0 ? depth : DEFAULT_DEPTH;
    const bid = b.bestBid();
    const ask = b.bestAsk();
    return {
      symbol,
      seq: this.seq,
      bids: b.levels(BUY, d),
      asks: b.levels(SELL, d),
      bestBid: bid,
      bestAsk: ask,
      lastPrice: b.lastPrice,
      lastQuantity: b.lastQty,
      midPriceX2: bid > 0 && ask > 0 ? bid + ask : 0,
      volume: b.volume,
      referencePrice: sym.spec.referencePrice,
      timestampNs: this.now(),
    };
  }

  /** One report per live order (exec type EXEC_NEW, seq 0: a query result, not an event). */
  openOrders(account?: string, symbol?: string): ExecutionReport[] {
    const res: ExecutionReport[] = [];
    for (const sym of this.symbols) {
      if (symbol && sym.spec.symbol !== symbol) continue;
      const slots = sym.book.restingSlots().concat(sym.stops);
      slots.sort((a, b) => this.pool.id[a] - this.pool.id[b]);
      for (const s of slots) {
        if (account && this.mAccount[s] !== account) continue;
        const r = this.report(s, ExecType.EXEC_NEW, currentStatus(this.pool, s));
        this.seq--; // queries do not consume event sequence numbers
        r.seq = 0;
        r.requestId = 0;
        res.push(r);
      }
    }
    return res;
  }

  openOrderCount(): number {
    return this.open;
  }

  // ================================================================== internals: command flow

  private begin(requestId: number, out: ExecutionReport[]): void {
    this.out = out;
    this.requestId = requestId;
    this.ts = this.now();
    this.cur = undefined;
  }

  private end(): void {
    const sym = this.cur;
    if (sym?.dirty) {
      sym.dirty = false;
      if (this.listener !== undefined) this.listener.onBookChanged(sym.spec.symbol);
    }
  }

  /** Registers a live order: open-order counts and client order id. */
  private accept(s: number): void {
    const owner = this.pool.owner[s];
    this.openByOwner[owner]++;
    this.open++;
    const cl = this.mClOrdId[s];
    if (cl !== "") this.clOrdIds.set(this.mAccount[s] + "\u0000" + cl, s);
  }

  /** Unregisters a live order that reached a terminal state (the caller releases the slot). */
  private retire(s: number): void {
    this.openByOwner[this.pool.owner[s]]--;
    this.open--;
    const cl = this.mClOrdId[s];
    if (cl !== "") this.clOrdIds.delete(this.mAccount[s] + "\u0000" + cl);
    const sym = this.symbols[this.pool.book[s]];
    sym.dirty = true;
  }

  /** Takes a live (resting or pending) order out of the engine and frees its slot. */
  private removeLive(s: number, sym: SymbolState): void {
    const p = this.pool;
    if (p.state[s] === RESTING) {
      sym.book.remove(s);
    } else if (p.state[s] === PENDING) {
      const i = sym.stops.indexOf(s);
      if (i >= 0) sym.stops.splice(i, 1);
    }
    this.retire(s);
    p.release(s);
  }

  /** Matches a newly accepted or triggered order and settles the remainder (rest / cancel). */
  private runTaker(s: number, sym: SymbolState, triggered: boolean): void {
    const p = this.pool;
    const book = sym.book;
    const type = this.mType[s];
    const side = p.side[s];
    const tif = this.mTif[s];
    const isMarket =
      type === OrderType.MARKET || type === OrderType.STOP_MARKET || type === OrderType.TRAILING_STOP;
    const limit = isMarket ? (side === BUY ? bandHigh(sym.spec) : bandLow(sym.spec)) : p.price[s];
    const canRest = !isMarket && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK;
    if (this.mPostOnly[s] && book.wouldCross(side, limit)) {
      this.finishRejected(
        s,
        triggered,
        RejectReason.POST_ONLY_WOULD_TAKE,
        `post-only order would trade at ${limit}`,
      );
      return;
    }
    if (canRest && !book.ensure(limit)) {
      this.finishRejected(
        s,
        triggered,
        RejectReason.PRICE_BAND,
        `price ${limit} is too far from the book's prices`,
      );
      return;
    }
    if (tif === TimeInForce.FOK) {
      const want = p.qty[s] - p.filled[s];
      if (book.fillable(side, limit, want, p.owner[s], p.stp[s]) < want) {
        this.finishRejected(
          s,
          triggered,
          RejectReason.FOK_NOT_FILLABLE,
          "fill-or-kill order cannot be filled in full",
        );
        return;
      }
    }
    if (!triggered) this.out.push(this.report(s, ExecType.EXEC_NEW, OrderStatus.NEW));
    this.matchAndSettle(s, sym, limit);
  }

  private matchAndSettle(s: number, sym: SymbolState, limit: number): void {
    const p = this.pool;
    const book = sym.book;
    const type = this.mType[s];
    const tif = this.mTif[s];
    const isMarket =
      type === OrderType.MARKET || type === OrderType.STOP_MARKET || type === OrderType.TRAILING_STOP;
    const stpd = book.execute(s, limit) === MATCH_STP_TAKER;
    const filled = p.filled[s];
    const qty = p.qty[s];
    if (filled === qty) {
      this.retire(s);
      p.release(s);
      return;
    }
    if (stpd) {
      this.cancelTaker(s, RejectReason.SELF_TRADE_PREVENTED, "cancelled by self-trade prevention");
      return;
    }
    if (isMarket || tif === TimeInForce.IOC || tif === TimeInForce.FOK) {
      if (filled === 0 && isMarket) {
        this.cancelTaker(s, RejectReason.NO_LIQUIDITY, "no liquidity within the price band");
      } else {
        this.cancelTaker(s, RejectReason.REJECT_NONE, "unfilled remainder cancelled");
      }
      return;
    }
    book.rest(s);
    sym.dirty = true;
  }

  private cancelTaker(s: number, reason: RejectReason, text: string): void {
    this.out.push(this.report(s, ExecType.EXEC_CANCELED, OrderStatus.CANCELLED, reason, text));
    this.retire(s);
    this.pool.release(s);
  }

  /** A new order fails a book-dependent check (REJECTED), or a triggered one does (CANCELED). */
  private finishRejected(s: number, triggered: boolean, reason: RejectReason, text: string): void {
    if (triggered) {
      this.cancelTaker(s, reason, text);
      return;
    }
    this.out.push(this.report(s, ExecType.EXEC_REJECTED, OrderStatus.REJECTED, reason, text));
    this.retire(s);
    this.pool.release(s);
  }

  // ================================================================== trigger book

  private initialTrigger(cmd: NewOrder, sym: SymbolState): number {
    if (cmd.orderType !== OrderType.TRAILING_STOP || cmd.stopPrice > 0) return cmd.stopPrice;
    const last = sym.book.lastPrice > 0 ? sym.book.lastPrice : sym.spec.referencePrice;
    return cmd.side === Side.BUY ? last + cmd.trailingOffset : Math.max(1, last - cmd.trailingOffset);
  }

  /** Releases every stop whose trigger the last trade crossed; repeats while released orders trade. */
  private runTriggers(sym: SymbolState, force: boolean): void {
    const p = this.pool;
    const book = sym.book;
    for (let round = 0; ; round++) {
      const traded = book.tradeCount !== sym.checkedTrades;
      if (!traded && !(force && round === 0)) return;
      sym.checkedTrades = book.tradeCount;
      const last = book.lastPrice;
      const stops = sym.stops;
      if (stops.length === 0 || last === 0) {
        book.resetTradeRange();
        return;
      }
      const hi = book.tradeHigh;
      const lo = book.tradeLow;
      book.resetTradeRange();
      let fired: number[] | undefined;
      for (let i = 0; i < stops.length; i++) {
        const s = stops[i];
        const buy = p.side[s] === BUY;
        const off = this.mTrail[s];
        if (off > 0 && traded) {
          // trailing: the trigger follows the best price seen since the last check
          if (buy && lo > 0 && lo + off < this.mStop[s]) this.mStop[s] = lo + off;
          if (!buy && hi > 0 && hi - off > this.mStop[s]) this.mStop[s] = hi - off;
        }
        if (buy ? last >= this.mStop[s] : last <= this.mStop[s]) {
          if (fired === undefined) fired = [];
          fired.push(s);
        }
      }
      if (fired === undefined) return;
      sym.stops = stops.filter((s) => !fired.includes(s));
      fired.sort((a, b) => p.id[a] - p.id[b]);
      for (const s of fired) {
        p.state[s] = ACTIVE;
        this.out.push(this.report(s, ExecType.EXEC_TRIGGERED, OrderStatus.NEW));
        this.runTaker(s, sym, true);
      }
    }
  }

  // ================================================================== validation

  private validateNew(cmd: NewOrder, sym: SymbolState): RiskReject | null {
    if (typeof cmd.account !== "string" || cmd.account === "") {
      return { reason: RejectReason.INVALID_ACCOUNT, text: "account is required" };
    }
    if (cmd.side !== Side.BUY && cmd.side !== Side.SELL) {
      return { reason: RejectReason.INVALID_SIDE, text: `side must be BUY or SELL, got ${cmd.side}` };
    }
    const type = cmd.orderType;
    if (type < OrderType.LIMIT || type > OrderType.TRAILING_STOP || !Number.isInteger(type)) {
      return { reason: RejectReason.INVALID_ORDER_TYPE, text: `unsupported order type ${type}` };
    }
    const tifIn = cmd.timeInForce;
    if (tifIn < TimeInForce.TIF_UNSPECIFIED || tifIn > TimeInForce.GTD || !Number.isInteger(tifIn)) {
      return { reason: RejectReason.INVALID_TIME_IN_FORCE, text: `unsupported time in force ${tifIn}` };
    }
    const tif = tifIn === TimeInForce.TIF_UNSPECIFIED ? defaultTif(type) : tifIn;
    const marketLike =
      type === OrderType.MARKET || type === OrderType.STOP_MARKET || type === OrderType.TRAILING_STOP;
    if (marketLike && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK) {
      return {
        reason: RejectReason.INVALID_TIME_IN_FORCE,
        text: "market orders must be IOC or FOK (unspecified = IOC)",
      };
    }
    if (!Number.isSafeInteger(cmd.quantity) || cmd.quantity <= 0) {
      const offLot = Number.isFinite(cmd.quantity) && cmd.quantity > 0;
      return {
        reason: offLot ? RejectReason.QUANTITY_OFF_LOT : RejectReason.INVALID_QUANTITY,
        text: `quantity ${cmd.quantity} must be a positive integer number of lots`,
      };
    }
    const hasLimit = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT;
    if (hasLimit) {
      if (!Number.isSafeInteger(cmd.price) || cmd.price <= 0) {
        const offTick = Number.isFinite(cmd.price) && cmd.price > 0;
        return {
          reason: offTick ? RejectReason.PRICE_OFF_TICK : RejectReason.INVALID_PRICE,
          text: `price ${cmd.price} must be a positive integer number of ticks`,
        };
      }
    } else if (cmd.price !== 0) {
      return { reason: RejectReason.INVALID_PRICE, text: "market and stop-market orders take no price" };
    }
    if (type === OrderType.STOP_MARKET || type === OrderType.STOP_LIMIT) {
      if (!isPosInt(cmd.stopPrice)) {
        return {
          reason: RejectReason.INVALID_STOP_PRICE,
          text: `stop price ${cmd.stopPrice} must be a positive integer number of ticks`,
        };
      }
    } else if (type === OrderType.TRAILING_STOP) {
      if (!isPosInt(cmd.trailingOffset)) {
        return {
          reason: RejectReason.INVALID_STOP_PRICE,
          text: `trailing offset ${cmd.trailingOffset} must be a positive integer number of ticks`,
        };
      }
      if (!Number.isSafeInteger(cmd.stopPrice) || cmd.stopPrice < 0) {
        return { reason: RejectReason.INVALID_STOP_PRICE, text: `stop price ${cmd.stopPrice} must be >= 0` };
      }
    } else if (cmd.stopPrice !== 0 || cmd.trailingOffset !== 0) {
      return {
        reason: RejectReason.INVALID_STOP_PRICE,
        text: "stop price / trailing offset only apply to stop orders",
      };
    }
    if (cmd.displayQuantity !== 0) {
      if (!isPosInt(cmd.displayQuantity) || cmd.displayQuantity >= cmd.quantity) {
        return {
          reason: RejectReason.INVALID_DISPLAY_QUANTITY,
          text: `display quantity ${cmd.displayQuantity} must be a positive integer below the quantity`,
        };
      }
      if (marketLike || tif === TimeInForce.IOC || tif === TimeInForce.FOK) {
        return {
          reason: RejectReason.INVALID_DISPLAY_QUANTITY,
          text: "iceberg orders must be resting limit orders",
        };
      }
    }
    if (cmd.postOnly && (type !== OrderType.LIMIT || tif === TimeInForce.IOC || tif === TimeInForce.FOK)) {
      return {
        reason: RejectReason.INVALID_TIME_IN_FORCE,
        text: "post-only applies to GTC/GTD limit orders only",
      };
    }
    if (tif === TimeInForce.GTD) {
      if (!isPosInt(cmd.expireTimeMs) || cmd.expireTimeMs <= this.ts / 1e6) {
        return { reason: RejectReason.INVALID_EXPIRY, text: "GTD orders need expire_time_ms in the future" };
      }
    }
    if (
      cmd.stpMode < StpMode.STP_DEFAULT ||
      cmd.stpMode > StpMode.STP_NONE ||
      !Number.isInteger(cmd.stpMode)
    ) {
      return {
        reason: RejectReason.INVALID_ORDER_TYPE,
        text: `unsupported self-trade prevention mode ${cmd.stpMode}`,
      };
    }
    if (typeof cmd.clientOrderId !== "string" || cmd.clientOrderId.length > MAX_CLIENT_ORDER_ID) {
      return {
        reason: RejectReason.DUPLICATE_CLIENT_ORDER_ID,
        text: `client order id must be a string of at most ${MAX_CLIENT_ORDER_ID} characters`,
      };
    }
    if (cmd.clientOrderId !== "" && this.clOrdIds.has(cmd.account + "\u0000" + cmd.clientOrderId)) {
      return {
        reason: RejectReason.DUPLICATE_CLIENT_ORDER_ID,
        text: `client order id "${cmd.clientOrderId}" is already used by a live order of this account`,
      };
    }
    const risk = checkOrder(
      sym.spec,
      cmd.side === Side.BUY ? "buy" : "sell",
      cmd.price,
      cmd.quantity,
      cmd.stopPrice,
    );
    if (risk !== null) return risk;
    const mayRest = !marketLike && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK;
    const isStop = type !== OrderType.LIMIT && type !== OrderType.MARKET;
    if (mayRest || isStop) {
      const owner = this.ownerIds.get(cmd.account);
      const open = owner === undefined ? 0 : this.openByOwner[owner];
      const lim = checkOpenOrders(open, this.maxOpen);
      if (lim !== null) return lim;
    }
    return null;
  }

  // ================================================================== lookups and reports

  private ownerOf(account: string): number {
    let id = this.ownerIds.get(account);
    if (id === undefined) {
      id = this.ownerIds.size;
      this.ownerIds.set(account, id);
      this.openByOwner[id] = 0;
    }
    return id;
  }

  /** Slot of a live order owned by `account` (by engine id, else client order id), or NIL. */
  private findOwned(account: string, symbol: string, orderId: number, clientOrderId: string): number {
    const p = this.pool;
    let s = NIL;
    if (orderId > 0) s = p.slotOf(orderId);
    else if (clientOrderId) {
      const v = this.clOrdIds.get(account + "\u0000" + clientOrderId);
      s = v === undefined ? NIL : v;
    }
    if (s === NIL) return NIL;
    if (p.state[s] !== RESTING && p.state[s] !== PENDING) return NIL;
    if (this.mAccount[s] !== account) return NIL;
    if (symbol !== "" && this.symbols[p.book[s]].spec.symbol !== symbol) return NIL;
    return s;
  }

  private onTrade(maker: number, taker: number, price: number, qty: number): void {
    const tradeId = ++this.tradeSeq;
    const t = this.report(taker, ExecType.EXEC_TRADE, OrderStatus.STATUS_UNSPECIFIED);
    t.lastPrice = price;
    t.lastQuantity = qty;
    t.tradeId = tradeId;
    this.out.push(t);
    const m = this.report(maker, ExecType.EXEC_TRADE, OrderStatus.STATUS_UNSPECIFIED);
    m.lastPrice = price;
    m.lastQuantity = qty;
    m.tradeId = tradeId;
    m.isMaker = true;
    this.out.push(m);
    const sym = this.symbols[this.pool.book[maker]];
    sym.dirty = true;
    if (this.listener !== undefined) {
      this.listener.onTrade(sym.spec.symbol, tradeId, price, qty, this.pool.side[taker], this.ts);
    }
  }

  /** Report for a live slot; status STATUS_UNSPECIFIED means "derive from fills". */
  private report(
    s: number,
    execType: ExecType,
    status: OrderStatus,
    reason: RejectReason = RejectReason.REJECT_NONE,
    text = "",
  ): ExecutionReport {
    const p = this.pool;
    const qty = p.qty[s];
    const filled = p.filled[s];
    const terminal = execType === ExecType.EXEC_CANCELED || execType === ExecType.EXEC_REJECTED;
    const expired = execType === ExecType.EXEC_EXPIRED;
    const st = status === OrderStatus.STATUS_UNSPECIFIED ? currentStatus(p, s) : status;
    return {
      seq: ++this.seq,
      requestId: this.requestId,
      orderId: p.id[s],
      clientOrderId: this.mClOrdId[s],
      account: this.mAccount[s],
      symbol: this.symbols[p.book[s]].spec.symbol,
      execType,
      status: st,
      side: p.side[s],
      orderType: this.mType[s],
      price: p.price[s],
      quantity: qty,
      filledQuantity: filled,
      leavesQuantity: terminal || expired || st === OrderStatus.REJECTED ? 0 : qty - filled,
      lastPrice: 0,
      lastQuantity: 0,
      tradeId: 0,
      isMaker: false,
      rejectReason: reason,
      text,
      timestampNs: this.ts,
      timeInForce: this.mTif[s],
      stopPrice: this.mStop[s],
    };
  }

  private rejectNew(cmd: NewOrder, reason: RejectReason, text: string): void {
    this.out.push(
      rejectReport({
        seq: ++this.seq,
        requestId: this.requestId,
        orderId: 0,
        clientOrderId: typeof cmd.clientOrderId === "string" ? cmd.clientOrderId : "",
        account: typeof cmd.account === "string" ? cmd.account : "",
        symbol: typeof cmd.symbol === "string" ? cmd.symbol : "",
        side: cmd.side,
        orderType: cmd.orderType,
        price: cmd.price,
        quantity: cmd.quantity,
        timeInForce: cmd.timeInForce,
        stopPrice: cmd.stopPrice,
        reason,
        text,
        timestampNs: this.ts,
      }),
    );
  }

  private rejectCmd(
    account: string,
    symbol: string,
    orderId: number,
    clientOrderId: string,
  ): ExecutionReport {
    return rejectReport({
      seq: ++this.seq,
      requestId: this.requestId,
      orderId,
      clientOrderId,
      account,
      symbol,
      side: Side.SIDE_UNSPECIFIED,
      orderType: OrderType.ORDER_TYPE_UNSPECIFIED,
      price: 0,
      quantity: 0,
      timeInForce: TimeInForce.TIF_UNSPECIFIED,
      stopPrice: 0,
      reason: RejectReason.UNKNOWN_ORDER,
      text: "unknown order",
      timestampNs: this.ts,
    });
  }
}

function defaultTif(type: OrderType): TimeInForce {
  return type === OrderType.MARKET || type === OrderType.STOP_MARKET || type === OrderType.TRAILING_STOP
    ? TimeInForce.IOC
    : TimeInForce.GTC;
}

function currentStatus(p: OrderPool, s: number): OrderStatus {
  if (p.state[s] === PENDING) return OrderStatus.PENDING_TRIGGER;
  const filled = p.filled[s];
  if (filled === 0) return OrderStatus.NEW;
  return filled >= p.qty[s] ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
}
