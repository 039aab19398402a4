// Market-data fan-out. Per symbol, every event gets the next sequence number (+1), so a subscriber detects a
// lost event as a gap. The first event of a subscription is a snapshot carrying the current sequence.
// Trades are published as they happen; book changes are coalesced: the gRPC layer calls flush() once per
// command batch and each changed symbol gets one BookUpdate, at most one per `bookIntervalMs` per symbol
// (conflation: under load a batch arrives every millisecond or so, and a book consumer needs the latest state,
// not every intermediate one). A symbol changed within the interval stays dirty and is published when the
// interval has passed, so the last state always goes out; sequence numbers stay contiguous.
// Matching never waits for a subscriber: events go into a bounded per-subscriber queue; a subscriber whose
// queue overflows is dropped with RESOURCE_EXHAUSTED.
import type { BookSnapshot, MarketDataEvent, PriceLevel, Side } from "@hft/proto";

export interface BookSource {
  snapshot(symbol: string, depth: number): BookSnapshot | undefined;
}

/** Where events go: a gRPC server stream in production. */
export interface MarketDataSink {
  /** false = transport buffer full; wait for onDrain before writing again. */
  write(event: MarketDataEvent): boolean;
  onDrain(cb: () => void): void;
  /** End the subscription with an error status. */
  fail(code: "RESOURCE_EXHAUSTED" | "UNAVAILABLE", message: string): void;
  end(): void;
}

export class Subscription {
  private readonly queue: MarketDataEvent[] = [];
  private blocked = false;
  closed = false;

  constructor(
    readonly symbols: ReadonlySet<string>,
    readonly depth: number,
    private readonly sink: MarketDataSink,
    private readonly maxQueued: number,
    private readonly onOverflow: (s: Subscription) => void,
  ) {
    sink.onDrain(() => {
      this.blocked = false;
      this.pump();
    });
  }

  push(event: MarketDataEvent): void {
    if (this.closed) return;
    if (!this.blocked && this.queue.length === 0) {
      if (!this.sink.write(event)) this.blocked = true;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.onOverflow(this);
      return;
    }
    this.queue.push(event);
  }

  private pump(): void {
    let i = 0;
    while (i < this.queue.length && !this.blocked && !this.closed) {
      if (!this.sink.write(this.queue[i++])) this.blocked = true;
    }
    this.queue.splice(0, i);
  }

  fail(code: "RESOURCE_EXHAUSTED" | "UNAVAILABLE", message: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.sink.fail(code, message);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.end();
  }

  get queued(): number {
    return this.queue.length;
  }
}

interface SymbolState {
  symbol: string;
  seq: number;
  dirty: boolean;
  /** performance.now() of its last BookUpdate */
  lastBookMs: number;
  subscribers: Set<Subscription>;
}

export class MarketDataHub {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly dirtySymbols: SymbolState[] = [];
  private readonly subs = new Set<Subscription>();
  private book: BookSource | undefined;
  private timer: NodeJS.Timeout | null = null;
  dropped = 0;

  constructor(
    symbols: readonly string[],
    private readonly defaultDepth: number,
    private readonly maxQueued: number,
    private readonly bookIntervalMs = 0,
  ) {
    for (const s of symbols)
      this.symbols.set(s, { symbol: s, seq: 0, dirty: false, lastBookMs: -Infinity, subscribers: new Set() });
  }

  /** The engine is created after the hub (the hub is its listener), so the book source is attached later. */
  attach(book: BookSource): void {
    this.book = book;
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  hasSymbol(symbol: string): boolean {
    return this.symbols.has(symbol);
  }

  /** Current market-data sequence of a symbol (what a snapshot taken now is consistent with). */
  seqOf(symbol: string): number {
    return this.symbols.get(symbol)?.seq ?? 0;
  }

  // --- MarketDataListener (called synchronously by the matching engine) ---

  onTrade(
    symbol: string,
    tradeId: number,
    price: number,
    quantity: number,
    aggressor: Side,
    tsNs: number,
  ): void {
    const st = this.symbols.get(symbol);
    if (st === undefined || st.subscribers.size === 0) {
      if (st !== undefined) st.seq++;
      return;
    }
    const event: MarketDataEvent = {
      symbol,
      seq: ++st.seq,
      event: {
        $case: "trade",
        value: { tradeId, price, quantity, aggressorSide: aggressor, timestampNs: tsNs },
      },
    };
    for (const sub of st.subscribers) sub.push(event);
  }

  onBookChanged(symbol: string): void {
    const st = this.symbols.get(symbol);
    if (st === undefined || st.dirty) return;
    st.dirty = true;
    this.dirtySymbols.push(st);
  }

  /** Publish one coalesced BookUpdate per changed symbol whose interval has passed (see the file comment). */
  flush(): void {
    this.publishBooks(false);
  }

  /** Publish every pending BookUpdate now, interval or not (before a snapshot, at shutdown). */
  flushNow(): void {
    this.publishBooks(true);
  }

  private publishBooks(force: boolean): void {
    const n = this.dirtySymbols.length;
    if (n === 0) return;
    const now = performance.now();
    let deferred = 0;
    for (let i = 0; i < n; i++) {
      const st = this.dirtySymbols[i];
      if (!force && now - st.lastBookMs < this.bookIntervalMs && st.subscribers.size > 0) {
        this.dirtySymbols[deferred++] = st; // still dirty: goes out when its interval has passed
        continue;
      }
      st.dirty = false;
      if (st.subscribers.size === 0) continue; // nobody listens: no event, no sequence number used
      st.lastBookMs = now;
      const symbol = st.symbol;
      const seq = ++st.seq;
      const byDepth = new Map<number, MarketDataEvent>();
      for (const sub of st.subscribers) {
        let ev = byDepth.get(sub.depth);
        if (ev === undefined) {
          const snap = this.book?.snapshot(symbol, sub.depth);
          const bids: PriceLevel[] = snap?.bids ?? [];
          const asks: PriceLevel[] = snap?.asks ?? [];
          ev = { symbol, seq, event: { $case: "book", value: { bids, asks } } };
          byDepth.set(sub.depth, ev);
        }
        sub.push(ev);
      }
    }
    this.dirtySymbols.length = deferred;
    if (deferred > 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.bookIntervalMs);
      this.timer.unref();
    }
  }

  /** Subscribe; sends the snapshot of every requested symbol first. Throws on an unknown symbol. */
  subscribe(symbols: readonly string[], depth: number, sink: MarketDataSink): Subscription {
    const wanted = symbols.length === 0 ? [...this.symbols.keys()] : [...new Set(symbols)];
    for (const s of wanted) {
      if (!this.symbols.has(s)) throw new UnknownSymbolError(s);
    }
    const d = depth > 0 ? depth : this.defaultDepth;
    // pending coalesced updates must go out before the snapshot, or they would carry a seq the snapshot covers
    this.flushNow();
    const sub = new Subscription(new Set(wanted), d, sink, this.maxQueued, (s) => {
      this.dropped++;
      this.unsubscribe(s);
      s.fail(
        "RESOURCE_EXHAUSTED",
        `market-data subscriber too slow: more than ${this.maxQueued} events queued`,
      );
    });
    this.subs.add(sub);
    for (const s of wanted) {
      const st = this.symbols.get(s)!;
      const snap = this.book?.snapshot(s, d);
      if (snap !== undefined) snap.seq = st.seq;
      sub.push({
        symbol: s,
        seq: st.seq,
        event: { $case: "snapshot", value: snap ?? emptySnapshot(s, st.seq) },
      });
      st.subscribers.add(sub);
    }
    return sub;
  }

  unsubscribe(sub: Subscription): void {
    if (!this.subs.delete(sub)) return;
    for (const s of sub.symbols) this.symbols.get(s)?.subscribers.delete(sub);
  }

  /** Shutdown: end every subscription with UNAVAILABLE. */
  closeAll(message: string): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const sub of [...this.subs]) {
      this.unsubscribe(sub);
      sub.fail("UNAVAILABLE", message);
    }
  }
}

export class UnknownSymbolError extends Error {
  constructor(readonly symbol: string) {
    super(`unknown symbol: ${symbol}`);
  }
}

function emptySnapshot(symbol: string, seq: number): BookSnapshot {
  return {
    symbol,
    seq,
    bids: [],
    asks: [],
    bestBid: 0,
    bestAsk: 0,
    lastPrice: 0,
    lastQuantity: 0,
    midPriceX2: 0,
    volume: 0,
    referencePrice: 0,
    timestampNs: 0,
  };
}
