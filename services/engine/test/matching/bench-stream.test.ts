// The engine benchmark's operation streams: generated deterministically from the seed, and replayed by our
// OrderBook's numeric API with exactly the trades and resting orders of a naive reference book.
import { describe, expect, it } from "vitest";
import { FacadeBook, OursBook } from "../../../../bench/engine/books.js";
import {
  generate,
  OP_CANCEL,
  OP_IOC,
  OP_LIMIT,
  OP_MARKET,
  type OpStream,
  SCENARIOS,
  streamHash,
} from "../../../../bench/engine/ops.js";
import type { BookSink } from "../../src/matching/book.js";
import { BUY, OrderBook, OrderPool } from "../../src/matching/index.js";

type Trade = [maker: number, taker: number, price: number, qty: number];

interface ROrder {
  id: number;
  side: number;
  price: number;
  qty: number;
  filled: number;
}

/** Naive price-time book: a Map in time order (re-inserted on priority loss), linear scans and sorts. */
class NaiveBook {
  readonly orders = new Map<number, ROrder>();
  readonly trades: Trade[] = [];

  private match(t: ROrder, limit: number): void {
    const crosses = (o: ROrder): boolean =>
      o.side !== t.side && (t.side === BUY ? o.price <= limit : o.price >= limit);
    let any = false;
    for (const o of this.orders.values()) {
      if (crosses(o)) {
        any = true;
        break;
      }
    }
    if (!any) return;
    const queue = [...this.orders.values()].filter(crosses);
    const rank = new Map(queue.map((o, i) => [o, i]));
    queue.sort(
      (x, y) =>
        (t.side === BUY ? x.price - y.price : y.price - x.price) ||
        (rank.get(x) as number) - (rank.get(y) as number),
    );
    for (const m of queue) {
      if (t.filled === t.qty) break;
      const q = Math.min(t.qty - t.filled, m.qty - m.filled);
      t.filled += q;
      m.filled += q;
      this.trades.push([m.id, t.id, m.price, q]);
      if (m.filled === m.qty) this.orders.delete(m.id);
    }
  }

  apply(s: OpStream, i: number): void {
    const k = s.kind[i];
    const id = s.id[i];
    if (k === OP_CANCEL) {
      this.orders.delete(id);
      return;
    }
    if (k === OP_LIMIT || k === OP_IOC || k === OP_MARKET) {
      const side = s.side[i];
      const o: ROrder = { id, side, price: s.price[i], qty: s.qty[i], filled: 0 };
      const limit = k === OP_MARKET ? (side === BUY ? Number.MAX_SAFE_INTEGER : 0) : o.price;
      this.match(o, limit);
      if (k === OP_LIMIT && o.filled < o.qty) this.orders.set(id, o);
      return;
    }
    // modify: same price and open quantity not up keeps priority; otherwise cancel/replace at the back
    const o = this.orders.get(id);
    const leaves = s.qty[i];
    if (o === undefined || leaves <= 0) return;
    if (s.price[i] === o.price && o.filled + leaves <= o.qty) {
      o.qty = o.filled + leaves;
      return;
    }
    this.orders.delete(id);
    o.price = s.price[i];
    o.qty = o.filled + leaves;
    this.match(o, o.price);
    if (o.filled < o.qty) this.orders.set(id, o);
  }
}

function replayOurs(s: OpStream, upTo: number): { trades: Trade[]; resting: number[][] } {
  const pool = new OrderPool(1024);
  const trades: Trade[] = [];
  const sink: BookSink = {
    onTrade: (maker, taker, price, qty) => trades.push([pool.id[maker], pool.id[taker], price, qty]),
    onMakerFilled() {},
    onRefresh() {},
    onStpCancel() {},
  };
  const book = new OrderBook(pool, sink, 0, 100_000);
  for (let i = 0; i < upTo; i++) {
    const k = s.kind[i];
    if (k === OP_LIMIT) book.limit(s.id[i], s.side[i], s.price[i], s.qty[i], s.owner[i]);
    else if (k === OP_IOC) book.ioc(s.id[i], s.side[i], s.price[i], s.qty[i], s.owner[i]);
    else if (k === OP_MARKET) book.market(s.id[i], s.side[i], s.qty[i], s.owner[i]);
    else if (k === OP_CANCEL) book.cancel(s.id[i]);
    else book.modify(s.id[i], s.price[i], s.qty[i]);
  }
  const resting = book
    .restingSlots()
    .map((o) => [pool.id[o], pool.price[o], pool.qty[o] - pool.filled[o]])
    .sort((x, y) => x[0] - y[0]);
  return { trades, resting };
}

describe("bench/engine operation streams", () => {
  it("are a pure function of the seed", () => {
    for (const name of SCENARIOS) {
      const a = generate(name, 5_000, 7);
      const b = generate(name, 5_000, 7);
      expect(streamHash(a)).toBe(streamHash(b));
      expect(a.counts).toEqual(b.counts);
      expect(streamHash(generate(name, 5_000, 8))).not.toBe(streamHash(a));
    }
  });

  it("exercise every op kind the scenario promises", () => {
    const mix = generate("mix", 20_000, 1);
    for (const c of mix.counts) expect(c).toBeGreaterThan(0);
    const ec = generate("exchange-core", 20_000, 1);
    expect(ec.counts[4] / 20_000).toBeGreaterThan(0.75); // move/amend dominates
    expect(ec.restingAtEnd).toBeGreaterThan(800);
    expect(ec.restingAtEnd).toBeLessThan(1200);
    const deep = generate("deep-book", 2_000, 1);
    expect(deep.restingAfterSetup).toBeGreaterThanOrEqual(10_000);
    expect(deep.levelsAtEnd).toBeLessThanOrEqual(10);
    const wide = generate("wide-book", 2_000, 1);
    expect(wide.levelsAtEnd).toBeGreaterThan(2_000);
  });

  // sizes keep the naive model fast (it rescans every resting order) while yielding well over 100 trades
  for (const [name, ops] of [
    ["mix", 1_500],
    ["exchange-core", 3_000],
  ] as const) {
    it(`${name}: our OrderBook and a naive reference book produce the same trades and resting orders`, () => {
      const s = generate(name, ops, 11);
      const ours = replayOurs(s, s.n);
      const ref = new NaiveBook();
      for (let i = 0; i < s.n; i++) ref.apply(s, i);
      expect(ours.trades.length).toBeGreaterThan(100);
      expect(ours.trades).toEqual(ref.trades);
      const refResting = [...ref.orders.values()]
        .map((o) => [o.id, o.price, o.qty - o.filled])
        .sort((x, y) => x[0] - y[0]);
      expect(ours.resting).toEqual(refResting);
    });
  }

  it("mix through the MatchingEngine facade ends with the same book as through the numeric core", () => {
    const s = generate("mix", 20_000, 5);
    const facade = new FacadeBook();
    facade.prepare(s);
    const core = new OursBook();
    for (let i = 0; i < s.n; i++) {
      facade.apply(s, i);
      core.apply(s, i);
    }
    const a = facade.state();
    expect(a.levels).toBeGreaterThan(10);
    expect(a).toEqual(core.state());
  });
});
