// Market data from the engine's SubscribeMarketData stream: top of book, recent trades (ring buffer per
// symbol) and candles built from those trades. Re-subscribes when the stream drops.
import type { BookSnapshot, MarketDataEvent, PriceLevel } from "@hft/proto";
import { Side } from "@hft/proto";
import type { Logger } from "pino";
import type { EngineClient } from "../engine/client.js";

export interface TradeRecord {
  tradeId: number;
  price: number;
  quantity: number;
  aggressor: "BUY" | "SELL";
  timestampMs: number;
}

export interface BookTop {
  bids: PriceLevel[];
  asks: PriceLevel[];
  lastPrice: number;
  volume: number;
}

const MAX_TRADES = 10_000;

export class MarketDataStore {
  private readonly trades = new Map<string, TradeRecord[]>();
  private readonly books = new Map<string, BookTop>();
  private sub: { cancel: () => void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  connected = false;
  /** engine start (unix ms): engine timestamps are nanoseconds since then */
  engineStartMs = 0;
  onTrade: (symbol: string, t: TradeRecord) => void = () => undefined;
  onBook: (symbol: string, b: BookTop) => void = () => undefined;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.stopped || this.sub) return;
    this.sub = this.engine.subscribeMarketData(
      (e) => {
        this.connected = true;
        this.apply(e);
      },
      (err) => {
        this.sub = null;
        this.connected = false;
        if (this.stopped) return;
        this.log.debug({ err: err?.message }, "market data stream ended; retrying");
        this.timer = setTimeout(() => this.start(), 1000);
      },
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sub?.cancel();
    this.sub = null;
  }

  apply(e: MarketDataEvent): void {
    const ev = e.event;
    if (!ev) return;
    const book = this.books.get(e.symbol) ?? { bids: [], asks: [], lastPrice: 0, volume: 0 };
    if (ev.$case === "snapshot") {
      this.fromSnapshot(e.symbol, ev.value);
      return;
    }
    if (ev.$case === "book") {
      book.bids = ev.value.bids;
      book.asks = ev.value.asks;
      this.books.set(e.symbol, book);
      this.onBook(e.symbol, book);
      return;
    }
    const t = ev.value;
    const rec: TradeRecord = {
      tradeId: t.tradeId,
      price: t.price,
      quantity: t.quantity,
      aggressor: t.aggressorSide === Side.SELL ? "SELL" : "BUY",
      timestampMs: this.engineStartMs > 0 ? this.engineStartMs + Math.floor(t.timestampNs / 1e6) : Date.now(),
    };
    book.lastPrice = t.price;
    book.volume += t.quantity;
    this.books.set(e.symbol, book);
    this.record(e.symbol, rec);
    this.onTrade(e.symbol, rec);
  }

  fromSnapshot(symbol: string, s: BookSnapshot): void {
    const book = { bids: s.bids, asks: s.asks, lastPrice: s.lastPrice, volume: s.volume };
    this.books.set(symbol, book);
    this.onBook(symbol, book);
  }

  record(symbol: string, t: TradeRecord): void {
    let list = this.trades.get(symbol);
    if (!list) {
      list = [];
      this.trades.set(symbol, list);
    }
    list.push(t);
    if (list.length > MAX_TRADES) list.splice(0, list.length - MAX_TRADES);
  }

  book(symbol: string): BookTop | undefined {
    return this.books.get(symbol);
  }

  recentTrades(symbol: string, limit: number): TradeRecord[] {
    const list = this.trades.get(symbol) ?? [];
    return list.slice(-limit).reverse();
  }

  lastTradePrice(symbol: string): number | null {
    const list = this.trades.get(symbol);
    return list && list.length > 0 ? list[list.length - 1].price : null;
  }

  allTrades(symbol: string): readonly TradeRecord[] {
    return this.trades.get(symbol) ?? [];
  }
}

export interface CandleTicks {
  startMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** OHLCV buckets of `intervalMs` from trades in time order; the newest `limit` buckets. */
export function buildCandles(
  trades: readonly TradeRecord[],
  intervalMs: number,
  limit: number,
): CandleTicks[] {
  const out: CandleTicks[] = [];
  for (const t of trades) {
    const start = Math.floor(t.timestampMs / intervalMs) * intervalMs;
    const last = out[out.length - 1];
    if (last && last.startMs === start) {
      last.high = Math.max(last.high, t.price);
      last.low = Math.min(last.low, t.price);
      last.close = t.price;
      last.volume += t.quantity;
    } else {
      out.push({
        startMs: start,
        open: t.price,
        high: t.price,
        low: t.price,
        close: t.price,
        volume: t.quantity,
      });
    }
  }
  return out.slice(-limit);
}
