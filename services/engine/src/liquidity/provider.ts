// Reference liquidity provider: an internal account quoting a few levels on both sides of each symbol's
// reference price, so a market order on an otherwise idle book still fills near the market price.
// Quotes are post-only (the provider only ever adds liquidity, it never takes from clients) and go through the
// engine like any order, so the price band and every other risk check apply to them.
import {
  type CancelRequest,
  ExecType,
  type ExecutionReport,
  type NewOrder,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
} from "@hft/proto";

export interface LiquidityEngine {
  submit(cmd: NewOrder, out: ExecutionReport[]): void;
  cancel(cmd: CancelRequest, out: ExecutionReport[]): void;
}

export interface LiquidityOptions {
  account: string;
  levels: number;
  spreadBps: number;
  levelStepBps: number;
  quantity: number;
}

export interface QuotedSymbol {
  symbol: string;
  referencePrice: number; // ticks
  priceBandBps: number;
}

export class LiquidityProvider {
  private readonly live = new Map<string, number[]>(); // symbol -> engine order ids of live quotes
  private readonly refs = new Map<string, QuotedSymbol>();
  private readonly dirty = new Set<string>();
  private nextRequest = 1;

  constructor(
    private readonly engine: LiquidityEngine,
    readonly options: LiquidityOptions,
    symbols: readonly QuotedSymbol[],
  ) {
    for (const s of symbols) this.refs.set(s.symbol, { ...s });
  }

  get account(): string {
    return this.options.account;
  }

  /** Bid and ask prices (ticks) for a reference price, nearest first, clipped to the price band. */
  quotePrices(s: QuotedSymbol): { bids: number[]; asks: number[] } {
    const bids: number[] = [];
    const asks: number[] = [];
    const ref = s.referencePrice;
    const band = Math.floor((ref * s.priceBandBps) / 10_000);
    for (let i = 0; i < this.options.levels; i++) {
      const bps = this.options.spreadBps + i * this.options.levelStepBps;
      const off = Math.max(i + 1, Math.ceil((ref * bps) / 10_000)); // at least one tick per level
      if (off > band) break;
      if (ref - off > 0) bids.push(ref - off);
      asks.push(ref + off);
    }
    return { bids, asks };
  }

  /** Quote every symbol (at start). */
  quoteAll(out: ExecutionReport[]): void {
    for (const s of this.refs.keys()) this.requote(s, out);
  }

  setReferencePrice(symbol: string, price: number, out: ExecutionReport[]): void {
    const s = this.refs.get(symbol);
    if (s === undefined || s.referencePrice === price) return;
    s.referencePrice = price;
    this.requote(symbol, out);
  }

  /** Called for every trade report: a fill of one of our quotes schedules a re-quote of that symbol. */
  noteFill(report: ExecutionReport): void {
    if (report.account === this.options.account) this.dirty.add(report.symbol);
  }

  hasPendingRequotes(): boolean {
    return this.dirty.size > 0;
  }

  /** Re-quote symbols whose quotes were hit since the last call. */
  requoteFilled(out: ExecutionReport[]): void {
    if (this.dirty.size === 0) return;
    const symbols = [...this.dirty];
    this.dirty.clear();
    for (const s of symbols) this.requote(s, out);
  }

  /** Cancel our live quotes of a symbol and place a fresh ladder around its reference price. */
  requote(symbol: string, out: ExecutionReport[]): void {
    const s = this.refs.get(symbol);
    if (s === undefined) return;
    for (const orderId of this.live.get(symbol) ?? []) {
      this.engine.cancel(
        { requestId: this.nextRequest++, account: this.account, symbol, orderId, clientOrderId: "" },
        out,
      );
    }
    const ids: number[] = [];
    const { bids, asks } = this.quotePrices(s);
    for (const [side, prices] of [
      [Side.BUY, bids],
      [Side.SELL, asks],
    ] as const) {
      for (const price of prices) {
        const from = out.length;
        this.engine.submit(
          {
            requestId: this.nextRequest++,
            account: this.account,
            clientOrderId: "",
            symbol,
            side,
            orderType: OrderType.LIMIT,
            timeInForce: TimeInForce.GTC,
            price,
            stopPrice: 0,
            trailingOffset: 0,
            quantity: this.options.quantity,
            displayQuantity: 0,
            postOnly: true,
            expireTimeMs: 0,
            stpMode: StpMode.STP_DEFAULT,
          },
          out,
        );
        const first = out[from];
        if (first !== undefined && first.execType === ExecType.EXEC_NEW && first.account === this.account) {
          ids.push(first.orderId);
        }
      }
    }
    this.live.set(symbol, ids);
  }

  /** Remove all quotes (shutdown or provider switched off). */
  withdraw(out: ExecutionReport[]): void {
    for (const [symbol, ids] of this.live) {
      for (const orderId of ids) {
        this.engine.cancel(
          { requestId: this.nextRequest++, account: this.account, symbol, orderId, clientOrderId: "" },
          out,
        );
      }
    }
    this.live.clear();
  }
}
