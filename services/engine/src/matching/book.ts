// One symbol's limit order book on integer ticks/lots, price-time priority.
//
// Layout (why it is fast):
// - Price levels live in typed arrays indexed by (price - base) over a window that re-centres/grows when a price
//   falls outside it (amortised, rare: the engine's price band keeps prices near the reference price).
// - A level is an intrusive doubly-linked FIFO of order slots (OrderPool.next/prev), so add, cancel and each fill
//   are O(1) whatever the level size.
// - Two-level bitsets per side (bit per price, summary bit per 32-price word) find the next best price in
//   O(window/1024) worst case, O(1) typically, when the best level empties.
// - No allocation on the hot path: orders are pool slots, events go to a BookSink as slot numbers.
import { BUY, NIL, type OrderPool, RESTING, STP_CANCEL_BOTH, STP_CANCEL_NEWEST, STP_NONE } from "./pool.js";

/** Receives matching events. Slots are still valid (not yet released) during every callback. */
export interface BookSink {
  /** A fill; maker and taker pool fields are already updated. */
  onTrade(maker: number, taker: number, price: number, qty: number): void;
  /** The maker is completely filled and about to be removed and released. */
  onMakerFilled(maker: number): void;
  /** Iceberg refresh: new shown quantity taken from the reserve, maker moved to the back of its level. */
  onRefresh(maker: number): void;
  /** A resting order cancelled by self-trade prevention (cancel oldest / both); about to be released. */
  onStpCancel(maker: number): void;
}

export const NULL_SINK: BookSink = {
  onTrade() {},
  onMakerFilled() {},
  onRefresh() {},
  onStpCancel() {},
};

/** execute() result: the taker was stopped by self-trade prevention (its remainder must be cancelled). */
export const MATCH_OK = 0;
export const MATCH_STP_TAKER = 1;

const MIN_WINDOW = 4096;
/** Hard cap on the price window (levels); prices that would need a wider window are rejected by ensure(). */
export const MAX_WINDOW = 1 << 22;

export interface LevelView {
  price: number;
  quantity: number;
  orderCount: number;
}

export class OrderBook {
  readonly pool: OrderPool;
  sink: BookSink;
  /** index of this book in its engine (stored in pool.book for each order) */
  readonly index: number;

  private base = 0;
  private size = 0;
  private lvHead = new Int32Array(0);
  private lvTail = new Int32Array(0);
  private lvCount = new Int32Array(0);
  private lvQty = new Float64Array(0);
  private bidBits = new Uint32Array(0);
  private bidSum = new Uint32Array(0);
  private askBits = new Uint32Array(0);
  private askSum = new Uint32Array(0);
  /** window indexes of the best levels, NIL when the side is empty */
  private bestBidIx = NIL;
  private bestAskIx = NIL;

  restingCount = 0;
  lastPrice = 0;
  lastQty = 0;
  volume = 0;
  tradeCount = 0;
  /** highest / lowest trade price since the last resetTradeRange() (trailing stops follow these) */
  tradeHigh = 0;
  tradeLow = 0;

  constructor(pool: OrderPool, sink: BookSink = NULL_SINK, index = 0, centerPrice = 0) {
    this.pool = pool;
    this.sink = sink;
    this.index = index;
    if (centerPrice > 0) this.init(centerPrice);
  }

  // ------------------------------------------------------------------ queries

  bestBid(): number {
    return this.bestBidIx === NIL ? 0 : this.base + this.bestBidIx;
  }

  bestAsk(): number {
    return this.bestAskIx === NIL ? 0 : this.base + this.bestAskIx;
  }

  /** True when an order on `side` limited at `limit` would trade against the opposite side right now. */
  wouldCross(side: number, limit: number): boolean {
    if (side === BUY) return this.bestAskIx !== NIL && this.base + this.bestAskIx <= limit;
    return this.bestBidIx !== NIL && this.base + this.bestBidIx >= limit;
  }

  /**
   * Quantity a taker could fill up to `limit` (including iceberg reserves), stopping once `want` is reached.
   * Mirrors self-trade prevention: own orders are skipped (cancel oldest) or end the walk (cancel newest/both).
   * Cost is proportional to the orders the taker would consume, the same as matching itself.
   */
  fillable(side: number, limit: number, want: number, owner: number, stp: number): number {
    const p = this.pool;
    let sum = 0;
    let ix = side === BUY ? this.bestAskIx : this.bestBidIx;
    while (ix !== NIL && sum < want) {
      const price = this.base + ix;
      if (side === BUY ? price > limit : price < limit) break;
      // Shown parts are taken in queue order; iceberg reserves only after their refresh moved them to the back,
      // i.e. behind an own order that would stop the taker first. So reserves count only for levels the taker
      // can eat completely.
      let shown = 0;
      let reserve = 0;
      for (let o = this.lvHead[ix]; o !== NIL; o = p.next[o]) {
        if (stp !== STP_NONE && p.owner[o] === owner) {
          if (stp === STP_CANCEL_NEWEST || stp === STP_CANCEL_BOTH) return sum + shown;
          continue; // cancel oldest: the own order is cancelled, matching goes on
        }
        shown += p.shown[o];
        reserve += p.reserve[o];
        if (sum + shown >= want) return sum + shown;
      }
      sum += shown + reserve;
      ix =
        side === BUY
          ? nextSet(this.askBits, this.askSum, ix + 1)
          : prevSet(this.bidBits, this.bidSum, ix - 1);
    }
    return sum;
  }

  /** Up to `depth` levels of one side, best first. */
  levels(side: number, depth: number): LevelView[] {
    const out: LevelView[] = [];
    let ix = side === BUY ? this.bestBidIx : this.bestAskIx;
    while (ix !== NIL && out.length < depth) {
      out.push({ price: this.base + ix, quantity: this.lvQty[ix], orderCount: this.lvCount[ix] });
      ix =
        side === BUY
          ? prevSet(this.bidBits, this.bidSum, ix - 1)
          : nextSet(this.askBits, this.askSum, ix + 1);
    }
    return out;
  }

  /** Slots of the resting orders of a level in queue order (tests and snapshots; allocates). */
  queue(price: number): number[] {
    const out: number[] = [];
    const ix = price - this.base;
    if (ix < 0 || ix >= this.size) return out;
    for (let o = this.lvHead[ix]; o !== NIL; o = this.pool.next[o]) out.push(o);
    return out;
  }

  /** Slots of every resting order, bids best-first then asks best-first, each level in queue order. */
  restingSlots(): number[] {
    const out: number[] = [];
    for (let ix = this.bestBidIx; ix !== NIL; ix = prevSet(this.bidBits, this.bidSum, ix - 1)) {
      for (let o = this.lvHead[ix]; o !== NIL; o = this.pool.next[o]) out.push(o);
    }
    for (let ix = this.bestAskIx; ix !== NIL; ix = nextSet(this.askBits, this.askSum, ix + 1)) {
      for (let o = this.lvHead[ix]; o !== NIL; o = this.pool.next[o]) out.push(o);
    }
    return out;
  }

  resetTradeRange(): void {
    this.tradeHigh = 0;
    this.tradeLow = 0;
  }

  // ------------------------------------------------------------------ matching

  /**
   * Matches the taker in slot `t` (side, qty, filled, owner, stp set) against the opposite side down/up to
   * `limit`. Updates fills in the pool, emits sink events, removes filled makers. Does not rest the taker.
   */
  execute(t: number, limit: number): number {
    const p = this.pool;
    const sink = this.sink;
    const buy = p.side[t] === BUY;
    const owner = p.owner[t];
    const stp = p.stp[t];
    let remaining = p.qty[t] - p.filled[t];
    let ix = buy ? this.bestAskIx : this.bestBidIx;
    let result = MATCH_OK;
    outer: while (remaining > 0 && ix !== NIL) {
      const price = this.base + ix;
      if (buy ? price > limit : price < limit) break;
      let o = this.lvHead[ix];
      while (o !== NIL) {
        if (stp !== STP_NONE && p.owner[o] === owner) {
          if (stp === STP_CANCEL_NEWEST) {
            result = MATCH_STP_TAKER;
            break outer;
          }
          // cancel oldest / both: the resting order goes
          const nx = p.next[o];
          sink.onStpCancel(o);
          this.unlinkAt(o, ix);
          p.release(o);
          o = nx;
          if (stp === STP_CANCEL_BOTH) {
            result = MATCH_STP_TAKER;
            break;
          }
          continue;
        }
        const avail = p.shown[o];
        const q = Math.min(remaining, avail);
        p.shown[o] = avail - q;
        p.filled[o] += q;
        p.filled[t] += q;
        this.lvQty[ix] -= q;
        remaining -= q;
        this.lastPrice = price;
        this.lastQty = q;
        this.volume += q;
        this.tradeCount++;
        if (this.tradeHigh === 0 || price > this.tradeHigh) this.tradeHigh = price;
        if (this.tradeLow === 0 || price < this.tradeLow) this.tradeLow = price;
        sink.onTrade(o, t, price, q);
        if (q === avail) {
          const res = p.reserve[o];
          if (res > 0) {
            // iceberg refresh: new slice from the reserve, back of the queue (loses time priority)
            const slice = Math.min(res, p.display[o]);
            p.reserve[o] = res - slice;
            p.shown[o] = slice;
            this.lvQty[ix] += slice;
            this.moveToTail(o, ix);
            sink.onRefresh(o);
            if (remaining === 0) break outer;
            o = this.lvHead[ix];
            continue;
          }
          const nx = p.next[o];
          sink.onMakerFilled(o);
          this.unlinkAt(o, ix);
          p.release(o);
          o = nx;
        }
        if (remaining === 0) break outer;
      }
      if (result !== MATCH_OK) break;
      // level exhausted (unlinkAt already advanced best when the level emptied)
      ix = buy ? this.bestAskIx : this.bestBidIx;
    }
    return result;
  }

  /**
   * Makes sure `price` has a level slot (re-centres/grows the window). False when the active price range would
   * exceed MAX_WINDOW levels: the caller rejects the order.
   */
  ensure(price: number): boolean {
    if (this.size === 0) {
      this.init(price);
      return true;
    }
    const ix = price - this.base;
    if (ix >= 0 && ix < this.size) return true;
    return this.regrow(price);
  }

  /** Rests slot `o` at the tail of its price level (ensure(price) must have been called). */
  rest(o: number): void {
    const p = this.pool;
    const leaves = p.qty[o] - p.filled[o];
    const d = p.display[o];
    if (d > 0 && leaves > d) {
      p.shown[o] = d;
      p.reserve[o] = leaves - d;
    } else {
      p.shown[o] = leaves;
      p.reserve[o] = 0;
    }
    p.state[o] = RESTING;
    p.book[o] = this.index;
    const ix = p.price[o] - this.base;
    this.linkTail(o, ix);
    this.lvQty[ix] += p.shown[o];
    this.restingCount++;
  }

  /** Removes a resting order from its level (the caller releases the slot). */
  remove(o: number): void {
    const ix = this.pool.price[o] - this.base;
    this.unlinkAt(o, ix);
  }

  /**
   * Reduces a resting order's total quantity keeping its queue position (newQty > filled). The reserve of an
   * iceberg shrinks first, then the shown part.
   */
  reduce(o: number, newQty: number): void {
    const p = this.pool;
    const ix = p.price[o] - this.base;
    let cut = p.qty[o] - newQty;
    p.qty[o] = newQty;
    const r = p.reserve[o];
    const fromReserve = Math.min(cut, r);
    p.reserve[o] = r - fromReserve;
    cut -= fromReserve;
    p.shown[o] -= cut;
    this.lvQty[ix] -= cut;
  }

  // ------------------------------------------------------------------ numeric convenience API (bench, tests)

  /** GTC limit order: matches, rests the remainder. Returns the filled quantity. */
  limit(id: number, side: number, price: number, qty: number, owner = 0): number {
    const p = this.pool;
    if (!this.ensure(price)) return 0;
    const s = p.alloc(id);
    p.side[s] = side;
    p.price[s] = price;
    p.qty[s] = qty;
    p.owner[s] = owner;
    p.stp[s] = STP_NONE;
    p.book[s] = this.index;
    this.execute(s, price);
    const filled = p.filled[s];
    if (filled < qty) this.rest(s);
    else p.release(s);
    return filled;
  }

  /** Immediate-or-cancel at `price` (use 0 / MAX_SAFE_INTEGER for a market order). Returns the filled quantity. */
  ioc(id: number, side: number, price: number, qty: number, owner = 0): number {
    const p = this.pool;
    const s = p.alloc(id);
    p.side[s] = side;
    p.price[s] = price;
    p.qty[s] = qty;
    p.owner[s] = owner;
    p.stp[s] = STP_NONE;
    this.execute(s, price);
    const filled = p.filled[s];
    p.release(s);
    return filled;
  }

  market(id: number, side: number, qty: number, owner = 0): number {
    return this.ioc(id, side, side === BUY ? Number.MAX_SAFE_INTEGER : 0, qty, owner);
  }

  /** Cancels a resting order by id. False when unknown. */
  cancel(id: number): boolean {
    const p = this.pool;
    const s = p.slotOf(id);
    if (s === NIL || p.state[s] !== RESTING) return false;
    this.remove(s);
    p.release(s);
    return true;
  }

  /**
   * Modify to a new price and open quantity (`leaves`, what is still to fill). Same price and leaves down keeps
   * the queue position; otherwise cancel/replace (loses priority, may trade at the new price). False when unknown.
   */
  modify(id: number, price: number, leaves: number): boolean {
    const p = this.pool;
    const s = p.slotOf(id);
    if (s === NIL || p.state[s] !== RESTING || leaves <= 0) return false;
    const filled = p.filled[s];
    if (price === p.price[s] && filled + leaves <= p.qty[s]) {
      if (filled + leaves < p.qty[s]) this.reduce(s, filled + leaves);
      return true;
    }
    if (!this.ensure(price)) return false;
    this.remove(s);
    p.price[s] = price;
    p.qty[s] = filled + leaves;
    this.execute(s, price);
    if (p.filled[s] < p.qty[s]) this.rest(s);
    else p.release(s);
    return true;
  }

  // ------------------------------------------------------------------ internals

  private linkTail(o: number, ix: number): void {
    const p = this.pool;
    const tail = this.lvTail[ix];
    p.next[o] = NIL;
    p.prev[o] = tail;
    if (tail === NIL) {
      this.lvHead[ix] = o;
      this.lvTail[ix] = o;
      this.lvCount[ix] = 1;
      if (p.side[o] === BUY) {
        setBit(this.bidBits, this.bidSum, ix);
        if (this.bestBidIx === NIL || ix > this.bestBidIx) this.bestBidIx = ix;
      } else {
        setBit(this.askBits, this.askSum, ix);
        if (this.bestAskIx === NIL || ix < this.bestAskIx) this.bestAskIx = ix;
      }
    } else {
      p.next[tail] = o;
      this.lvTail[ix] = o;
      this.lvCount[ix]++;
    }
  }

  private unlinkAt(o: number, ix: number): void {
    const p = this.pool;
    const prev = p.prev[o];
    const next = p.next[o];
    if (prev === NIL) this.lvHead[ix] = next;
    else p.next[prev] = next;
    if (next === NIL) this.lvTail[ix] = prev;
    else p.prev[next] = prev;
    this.lvQty[ix] -= p.shown[o];
    this.restingCount--;
    if (--this.lvCount[ix] === 0) {
      this.lvQty[ix] = 0;
      if (p.side[o] === BUY) {
        clearBit(this.bidBits, this.bidSum, ix);
        if (ix === this.bestBidIx) this.bestBidIx = prevSet(this.bidBits, this.bidSum, ix - 1);
      } else {
        clearBit(this.askBits, this.askSum, ix);
        if (ix === this.bestAskIx) this.bestAskIx = nextSet(this.askBits, this.askSum, ix + 1);
      }
    }
  }

  private moveToTail(o: number, ix: number): void {
    const p = this.pool;
    const next = p.next[o];
    if (next === NIL) return; // already last
    const prev = p.prev[o];
    if (prev === NIL) this.lvHead[ix] = next;
    else p.next[prev] = next;
    p.prev[next] = prev;
    const tail = this.lvTail[ix];
    p.next[tail] = o;
    p.prev[o] = tail;
    p.next[o] = NIL;
    this.lvTail[ix] = o;
  }

  private init(center: number): void {
    this.allocWindow(center - MIN_WINDOW / 2, MIN_WINDOW);
  }

  private allocWindow(base: number, size: number): void {
    this.base = base;
    this.size = size;
    this.lvHead = new Int32Array(size).fill(NIL);
    this.lvTail = new Int32Array(size).fill(NIL);
    this.lvCount = new Int32Array(size);
    this.lvQty = new Float64Array(size);
    this.bidBits = new Uint32Array(size >>> 5);
    this.bidSum = new Uint32Array(size >>> 10);
    this.askBits = new Uint32Array(size >>> 5);
    this.askSum = new Uint32Array(size >>> 10);
    this.bestBidIx = NIL;
    this.bestAskIx = NIL;
  }

  private regrow(price: number): boolean {
    if (this.restingCount === 0) {
      this.init(price);
      return true;
    }
    const lowBid = nextSet(this.bidBits, this.bidSum, 0);
    const highAsk = prevSet(this.askBits, this.askSum, this.size - 1);
    let lo = price;
    let hi = price;
    for (const ix of [lowBid, this.bestBidIx, this.bestAskIx, highAsk]) {
      if (ix === NIL) continue;
      const px = this.base + ix;
      if (px < lo) lo = px;
      if (px > hi) hi = px;
    }
    const span = hi - lo + 1;
    const pad = Math.max(MIN_WINDOW / 2, span >>> 1);
    const size = Math.ceil((span + 2 * pad) / 1024) * 1024;
    if (size > MAX_WINDOW) return false;
    const old = {
      base: this.base,
      head: this.lvHead,
      tail: this.lvTail,
      count: this.lvCount,
      qty: this.lvQty,
      bidBits: this.bidBits,
      bidSum: this.bidSum,
      askBits: this.askBits,
      askSum: this.askSum,
    };
    this.allocWindow(lo - pad, size);
    const shift = old.base - this.base;
    const copy = (ix: number, buy: boolean): void => {
      const nix = ix + shift;
      this.lvHead[nix] = old.head[ix];
      this.lvTail[nix] = old.tail[ix];
      this.lvCount[nix] = old.count[ix];
      this.lvQty[nix] = old.qty[ix];
      if (buy) {
        setBit(this.bidBits, this.bidSum, nix);
        if (this.bestBidIx === NIL || nix > this.bestBidIx) this.bestBidIx = nix;
      } else {
        setBit(this.askBits, this.askSum, nix);
        if (this.bestAskIx === NIL || nix < this.bestAskIx) this.bestAskIx = nix;
      }
    };
    for (
      let ix = nextSet(old.bidBits, old.bidSum, 0);
      ix !== NIL;
      ix = nextSet(old.bidBits, old.bidSum, ix + 1)
    ) {
      copy(ix, true);
    }
    for (
      let ix = nextSet(old.askBits, old.askSum, 0);
      ix !== NIL;
      ix = nextSet(old.askBits, old.askSum, ix + 1)
    ) {
      copy(ix, false);
    }
    return true;
  }
}

// ------------------------------------------------------------------ two-level bitset helpers

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function setBit(bits: Uint32Array, sum: Uint32Array, i: number): void {
  const w = i >>> 5;
  bits[w] |= 1 << (i & 31);
  sum[w >>> 5] |= 1 << (w & 31);
}

function clearBit(bits: Uint32Array, sum: Uint32Array, i: number): void {
  const w = i >>> 5;
  const v = bits[w] & ~(1 << (i & 31));
  bits[w] = v;
  if (v === 0) sum[w >>> 5] &= ~(1 << (w & 31));
}

/** Lowest set index >= i, or NIL. */
export function nextSet(bits: Uint32Array, sum: Uint32Array, i: number): number {
  const nWords = bits.length;
  if (i < 0) i = 0;
  let w = i >>> 5;
  if (w >= nWords) return NIL;
  const m = bits[w] & (0xffffffff << (i & 31));
  if (m !== 0) return (w << 5) + ctz(m);
  w++;
  if (w >= nWords) return NIL;
  let s = w >>> 5;
  let ms = sum[s] & (0xffffffff << (w & 31));
  while (ms === 0) {
    s++;
    if (s >= sum.length) return NIL;
    ms = sum[s];
  }
  const w2 = (s << 5) + ctz(ms);
  return (w2 << 5) + ctz(bits[w2]);
}

/** Highest set index <= i, or NIL. */
export function prevSet(bits: Uint32Array, sum: Uint32Array, i: number): number {
  if (i < 0) return NIL;
  let w = i >>> 5;
  if (w >= bits.length) {
    w = bits.length - 1;
    i = (w << 5) + 31;
  }
  const m = bits[w] & (0xffffffff >>> (31 - (i & 31)));
  if (m !== 0) return (w << 5) + 31 - Math.clz32(m);
  w--;
  if (w < 0) return NIL;
  let s = w >>> 5;
  let ms = sum[s] & (0xffffffff >>> (31 - (w & 31)));
  while (ms === 0) {
    s--;
    if (s < 0) return NIL;
    ms = sum[s];
  }
  const w2 = (s << 5) + 31 - Math.clz32(ms);
  return (w2 << 5) + 31 - Math.clz32(bits[w2]);
}
