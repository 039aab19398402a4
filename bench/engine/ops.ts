// Deterministic operation streams for the engine benchmark.
//
// A stream is generated once (fixed seed) into typed arrays and then replayed, unchanged, by every order book
// under test. To generate realistic cancels and amends (that target orders that are actually live), the generator
// drives a model book — our OrderBook, which the property tests check against a naive reference model — and
// tracks live order ids from its fill events. The books under test never see the model: they only see the stream.

import type { BookSink } from "../../services/engine/src/matching/book.js";
import { BUY, OrderBook, OrderPool, SELL } from "../../services/engine/src/matching/index.js";
import { NIL } from "../../services/engine/src/matching/pool.js";
import { Prng } from "../common/prng.js";

/** GTC limit order: matches what crosses, rests the remainder. */
export const OP_LIMIT = 0;
/** Immediate-or-cancel limit order: matches what crosses, the remainder is dropped. */
export const OP_IOC = 1;
/** Market order (IOC, no price limit). */
export const OP_MARKET = 2;
/** Cancel a resting order by id. */
export const OP_CANCEL = 3;
/** Move/amend a resting order: new price and new open quantity. */
export const OP_MODIFY = 4;

export const OP_NAMES = ["limit", "ioc", "market", "cancel", "modify"] as const;

export interface OpStream {
  name: string;
  description: string;
  /** ops [0, setup) build the initial book; they are applied before the clock starts */
  setup: number;
  /** total ops including setup */
  n: number;
  kind: Uint8Array;
  /** BUY (1) / SELL (2) for new orders; unused for cancel/modify */
  side: Uint8Array;
  /** order id (new orders: a fresh id; cancel/modify: the target) */
  id: Int32Array;
  /** limit price in ticks (0 for market and cancel) */
  price: Int32Array;
  /** quantity in lots (new orders: order quantity; modify: new open quantity) */
  qty: Int32Array;
  /** account of a new order (0..accounts-1) */
  owner: Int32Array;
  /** op counts by kind over the measured part (after setup) */
  counts: number[];
  /** resting orders and price levels in the model at the end of setup and at the end of the stream */
  restingAfterSetup: number;
  restingAtEnd: number;
  levelsAtEnd: number;
}

export type ScenarioName = "mix" | "exchange-core" | "deep-book" | "wide-book";
export const SCENARIOS: readonly ScenarioName[] = ["mix", "exchange-core", "deep-book", "wide-book"];

/** Builds a stream while keeping the model book and the set of live order ids up to date. */
class Generator implements BookSink {
  readonly pool = new OrderPool(1 << 16);
  readonly book: OrderBook;
  readonly rng: Prng;
  private readonly s: OpStream;
  private i = 0;
  private nextId = 1;
  /** live resting ids (dense array, swap-remove) and each id's index in it */
  private readonly live: Int32Array;
  private liveN = 0;
  private readonly liveIx: Int32Array;

  constructor(
    name: string,
    description: string,
    setup: number,
    measured: number,
    seed: number,
    center: number,
  ) {
    const n = setup + measured;
    this.s = {
      name,
      description,
      setup,
      n,
      kind: new Uint8Array(n),
      side: new Uint8Array(n),
      id: new Int32Array(n),
      price: new Int32Array(n),
      qty: new Int32Array(n),
      owner: new Int32Array(n),
      counts: [0, 0, 0, 0, 0],
      restingAfterSetup: 0,
      restingAtEnd: 0,
      levelsAtEnd: 0,
    };
    this.live = new Int32Array(n + 1);
    this.liveIx = new Int32Array(n + 2).fill(-1);
    this.rng = new Prng(seed);
    this.book = new OrderBook(this.pool, this, 0, center);
  }

  get done(): boolean {
    return this.i >= this.s.n;
  }
  get liveCount(): number {
    return this.liveN;
  }
  get inSetup(): boolean {
    return this.i < this.s.setup;
  }

  // BookSink: a maker that is completely filled leaves the live set.
  onTrade(): void {}
  onMakerFilled(maker: number): void {
    this.liveRemove(this.pool.id[maker]);
  }
  onRefresh(): void {}
  onStpCancel(maker: number): void {
    this.liveRemove(this.pool.id[maker]);
  }

  randomLive(): number {
    return this.live[Math.floor(this.rng.next() * this.liveN)];
  }
  /** Current price and open quantity of a live order. */
  priceOf(id: number): number {
    return this.pool.price[this.pool.slotOf(id)];
  }
  sideOf(id: number): number {
    return this.pool.side[this.pool.slotOf(id)];
  }
  leavesOf(id: number): number {
    const s = this.pool.slotOf(id);
    return this.pool.qty[s] - this.pool.filled[s];
  }

  newOrder(kind: number, side: number, price: number, qty: number, owner = 0): void {
    const id = this.nextId++;
    this.record(kind, side, id, price, qty, owner);
    if (kind === OP_LIMIT) {
      this.book.limit(id, side, price, qty, owner);
      if (this.pool.slotOf(id) !== NIL) this.liveAdd(id);
    } else if (kind === OP_IOC) this.book.ioc(id, side, price, qty, owner);
    else this.book.market(id, side, qty, owner);
  }

  cancel(id: number): void {
    this.record(OP_CANCEL, 0, id, 0, 0, 0);
    this.book.cancel(id);
    this.liveRemove(id);
  }

  modify(id: number, price: number, leaves: number): void {
    this.record(OP_MODIFY, 0, id, price, leaves, 0);
    this.book.modify(id, price, leaves);
    if (this.pool.slotOf(id) === NIL) this.liveRemove(id);
  }

  finish(): OpStream {
    if (!this.done) throw new Error(`generator ${this.s.name} stopped at ${this.i}/${this.s.n}`);
    this.s.restingAtEnd = this.book.restingCount;
    this.s.levelsAtEnd =
      this.book.levels(BUY, Number.MAX_SAFE_INTEGER).length +
      this.book.levels(SELL, Number.MAX_SAFE_INTEGER).length;
    return this.s;
  }

  private record(kind: number, side: number, id: number, price: number, qty: number, owner: number): void {
    const s = this.s;
    const i = this.i++;
    s.kind[i] = kind;
    s.side[i] = side;
    s.id[i] = id;
    s.price[i] = price;
    s.qty[i] = qty;
    s.owner[i] = owner;
    if (i >= s.setup) s.counts[kind]++;
  }

  /** Call after each op so restingAfterSetup is captured exactly when setup completes. */
  afterOp(): void {
    if (this.i === this.s.setup) this.s.restingAfterSetup = this.book.restingCount;
  }

  private liveAdd(id: number): void {
    this.liveIx[id] = this.liveN;
    this.live[this.liveN++] = id;
  }
  private liveRemove(id: number): void {
    const ix = this.liveIx[id];
    if (ix < 0) return;
    const last = this.live[--this.liveN];
    this.live[ix] = last;
    this.liveIx[last] = ix;
    this.liveIx[id] = -1;
  }
}

const MID = 100_000;

function passivePrice(g: Generator, side: number, mid: number, mean: number, maxDist: number): number {
  const d = g.rng.expInt(mean, maxDist);
  if (side === BUY) {
    const ask = g.book.bestAsk();
    const top = ask > 0 ? Math.min(ask - 1, mid) : mid;
    return top - d + 1;
  }
  const bid = g.book.bestBid();
  const top = bid > 0 ? Math.max(bid + 1, mid) : mid;
  return top + d - 1;
}

/**
 * (a) A realistic mix around a slowly drifting mid price: passive adds close to the touch, cancels of random live
 * orders, marketable orders (market and aggressive limits that may rest a remainder) and some amends.
 * Book held between 4,000 and 6,000 resting orders: the add/cancel choice flips at those bounds, so the measured
 * mix differs a little from the nominal weights below (the benchmark prints the measured one).
 */
export function genMix(ops: number, seed: number): OpStream {
  const setup = 5_000;
  const g = new Generator(
    "mix",
    "~52% passive limit, ~26% cancel, 6% market, 6% aggressive limit (may rest), 4% IOC, 6% amend (qty down / price move); 4k-6k resting orders",
    setup,
    ops,
    seed,
    MID,
  );
  const r = g.rng;
  let mid = MID;
  while (!g.done) {
    if (g.inSetup) {
      const side = r.next() < 0.5 ? BUY : SELL;
      g.newOrder(OP_LIMIT, side, passivePrice(g, side, mid, 8, 200), r.int(1, 100), r.int(0, 999));
      g.afterOp();
      continue;
    }
    if (r.next() < 0.002) mid += r.next() < 0.5 ? -1 : 1;
    const side = r.next() < 0.5 ? BUY : SELL;
    let u = r.next();
    const live = g.liveCount;
    if (live > 6_000 && u < 0.48) u = 0.5; // too deep: cancel instead of adding
    if (live < 4_000 && u >= 0.48 && u < 0.78) u = 0; // too thin: add instead of cancelling
    if (live === 0 && u >= 0.48) u = 0;
    if (u < 0.48) {
      g.newOrder(OP_LIMIT, side, passivePrice(g, side, mid, 4, 200), r.int(1, 100), r.int(0, 999));
    } else if (u < 0.78) {
      g.cancel(g.randomLive());
    } else if (u < 0.84) {
      g.newOrder(OP_MARKET, side, 0, r.int(1, 200), r.int(0, 999));
    } else if (u < 0.9) {
      const touch = side === BUY ? g.book.bestAsk() : g.book.bestBid();
      const base = touch > 0 ? touch : mid;
      g.newOrder(
        OP_LIMIT,
        side,
        side === BUY ? base + r.int(0, 2) : base - r.int(0, 2),
        r.int(1, 150),
        r.int(0, 999),
      );
    } else if (u < 0.94) {
      const touch = side === BUY ? g.book.bestAsk() : g.book.bestBid();
      const base = touch > 0 ? touch : mid;
      g.newOrder(
        OP_IOC,
        side,
        side === BUY ? base + r.int(0, 3) : base - r.int(0, 3),
        r.int(1, 150),
        r.int(0, 999),
      );
    } else {
      const id = g.randomLive();
      const leaves = g.leavesOf(id);
      if (leaves > 1 && r.next() < 0.6) g.modify(id, g.priceOf(id), r.int(1, leaves - 1));
      else g.modify(id, g.priceOf(id) + (r.next() < 0.5 ? -1 : 1) * r.int(1, 3), leaves);
    }
  }
  return g.finish();
}

/**
 * (b) exchange-core's published benchmark mix: 9% GTC, 3% IOC, 6% cancel, 82% move/amend, ~1,000 resting orders
 * over ~750 price levels, 1,000 accounts.
 */
export function genExchangeCore(ops: number, seed: number): OpStream {
  const setup = 1_000;
  const g = new Generator(
    "exchange-core",
    "9% GTC, 3% IOC, 6% cancel, 82% move/amend (of which 10% amend qty down); ~1,000 resting orders over ~750 levels; 1,000 accounts",
    setup,
    ops,
    seed,
    MID,
  );
  const r = g.rng;
  const HALF = 375; // levels per side: prices MID-375..MID-1 and MID+1..MID+375
  const gtcPrice = (side: number): number => {
    // mostly passive, ~10% cross the spread (exchange-core GTC orders sometimes trade on entry)
    if (r.next() < 0.1) {
      const touch = side === BUY ? g.book.bestAsk() : g.book.bestBid();
      if (touch > 0) return side === BUY ? touch + r.int(0, 2) : touch - r.int(0, 2);
    }
    return side === BUY ? MID - r.int(1, HALF) : MID + r.int(1, HALF);
  };
  while (!g.done) {
    const side = r.next() < 0.5 ? BUY : SELL;
    if (g.inSetup) {
      g.newOrder(
        OP_LIMIT,
        side,
        side === BUY ? MID - r.int(1, HALF) : MID + r.int(1, HALF),
        r.int(1, 100),
        r.int(0, 999),
      );
      g.afterOp();
      continue;
    }
    let u = r.next();
    const live = g.liveCount;
    if (live > 1_100 && u < 0.09) u = 0.13; // keep ~1,000 resting: cancel instead
    if (live < 900 && u >= 0.12 && u < 0.18) u = 0; // add instead
    if (live === 0 && u >= 0.12) u = 0;
    if (u < 0.09) {
      g.newOrder(OP_LIMIT, side, gtcPrice(side), r.int(1, 100), r.int(0, 999));
    } else if (u < 0.12) {
      const touch = side === BUY ? g.book.bestAsk() : g.book.bestBid();
      const base = touch > 0 ? touch : MID;
      g.newOrder(
        OP_IOC,
        side,
        side === BUY ? base + r.int(0, 5) : base - r.int(0, 5),
        r.int(1, 100),
        r.int(0, 999),
      );
    } else if (u < 0.18) {
      g.cancel(g.randomLive());
    } else {
      const id = g.randomLive();
      const leaves = g.leavesOf(id);
      if (leaves > 1 && r.next() < 0.1) {
        g.modify(id, g.priceOf(id), r.int(1, leaves - 1));
      } else {
        const old = g.priceOf(id);
        const buy = g.sideOf(id) === BUY;
        let p = old + r.int(-5, 5);
        if (p === old) p += buy ? -1 : 1;
        // stay inside the 750-level band; ~3% of moves may cross the touch and trade
        p = Math.max(MID - HALF, Math.min(MID + HALF, p));
        if (r.next() >= 0.03) p = buy ? Math.min(p, MID - 1) : Math.max(p, MID + 1);
        g.modify(id, p, leaves);
      }
    }
  }
  return g.finish();
}

/**
 * (c) Deep book: 20,000 resting orders on 10 price levels (about 2,000 per level); adds to those levels, cancels
 * of random orders (anywhere in a queue) and small market orders against the front of the queues.
 */
export function genDeepBook(ops: number, seed: number): OpStream {
  const setup = 20_000;
  const g = new Generator(
    "deep-book",
    "20,000 resting orders on 10 levels (~2,000 per level); ~50% add, ~30% cancel (random queue position), 20% market",
    setup,
    ops,
    seed,
    MID,
  );
  const r = g.rng;
  const price = (side: number): number => (side === BUY ? MID - r.int(1, 5) : MID + r.int(1, 5));
  while (!g.done) {
    const side = r.next() < 0.5 ? BUY : SELL;
    if (g.inSetup) {
      g.newOrder(OP_LIMIT, side, price(side), r.int(1, 100), r.int(0, 999));
      g.afterOp();
      continue;
    }
    let u = r.next();
    const live = g.liveCount;
    if (live < 19_000 && u >= 0.4 && u < 0.8) u = 0;
    if (live > 21_000 && u < 0.4) u = 0.5;
    if (live === 0) u = 0;
    if (u < 0.4) g.newOrder(OP_LIMIT, side, price(side), r.int(1, 100), r.int(0, 999));
    else if (u < 0.8) g.cancel(g.randomLive());
    else g.newOrder(OP_MARKET, side, 0, r.int(1, 100), r.int(0, 999));
  }
  return g.finish();
}

/**
 * (d) Wide book: 20,000 resting orders spread over 10,000 price levels (5,000 per side); adds anywhere, cancels,
 * price moves across the range, and market orders that sweep several levels.
 */
export function genWideBook(ops: number, seed: number): OpStream {
  const setup = 20_000;
  const g = new Generator(
    "wide-book",
    "20,000 resting orders over 10,000 levels; ~57% add, ~18% cancel, 15% move (random new price), 10% market sweeping levels",
    setup,
    ops,
    seed,
    MID,
  );
  const r = g.rng;
  const W = 5_000;
  const price = (side: number): number => (side === BUY ? MID - r.int(1, W) : MID + r.int(1, W));
  while (!g.done) {
    const side = r.next() < 0.5 ? BUY : SELL;
    if (g.inSetup) {
      g.newOrder(OP_LIMIT, side, price(side), r.int(1, 100), r.int(0, 999));
      g.afterOp();
      continue;
    }
    let u = r.next();
    const live = g.liveCount;
    if (live < 19_000 && u >= 0.4 && u < 0.75) u = 0;
    if (live > 21_000 && u < 0.4) u = 0.5;
    if (live === 0) u = 0;
    if (u < 0.4) g.newOrder(OP_LIMIT, side, price(side), r.int(1, 100), r.int(0, 999));
    else if (u < 0.75) g.cancel(g.randomLive());
    else if (u < 0.9) {
      const id = g.randomLive();
      const buy = g.sideOf(id) === BUY;
      g.modify(id, buy ? MID - r.int(1, W) : MID + r.int(1, W), g.leavesOf(id));
    } else g.newOrder(OP_MARKET, side, 0, r.int(1, 400), r.int(0, 999));
  }
  return g.finish();
}

export function generate(name: ScenarioName, ops: number, seed: number): OpStream {
  switch (name) {
    case "mix":
      return genMix(ops, seed);
    case "exchange-core":
      return genExchangeCore(ops, seed + 1);
    case "deep-book":
      return genDeepBook(ops, seed + 2);
    case "wide-book":
      return genWideBook(ops, seed + 3);
  }
}

/** FNV-1a over the whole stream: equal hashes = identical streams (determinism check). */
export function streamHash(s: OpStream): string {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (v >>> 8) & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (v >>> 16) & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= v >>> 24;
    h = Math.imul(h, 0x01000193);
  };
  for (let i = 0; i < s.n; i++) {
    mix(s.kind[i]);
    mix(s.side[i]);
    mix(s.id[i]);
    mix(s.price[i]);
    mix(s.qty[i]);
    mix(s.owner[i]);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
