// The order books under test, each replaying an OpStream through its own public API.

import {
  CancelRequest,
  type ExecutionReport,
  ModifyRequest,
  NewOrder,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
} from "@hft/proto";
import { OrderBook as HloBook } from "hft-limit-order-book";
import { OrderBook as NobBook } from "nodejs-order-book";
import { BUY, MatchingEngine, OrderBook, OrderPool } from "../../services/engine/src/matching/index.js";
import { NIL } from "../../services/engine/src/matching/pool.js";
import { OP_CANCEL, OP_IOC, OP_LIMIT, OP_MARKET, OP_MODIFY, type OpStream } from "./ops.js";

export interface BookState {
  bestBid: number;
  bestAsk: number;
  /** resting quantity over all levels (lots) */
  volume: number;
  levels: number;
}

/** A book replaying ops [from, to) of a stream. */
export interface BenchBook {
  readonly name: string;
  apply(s: OpStream, i: number): void;
  state(): BookState;
}

/** Our matching core through its numeric API (no strings, no objects per op). */
export class OursBook implements BenchBook {
  readonly name = "ours";
  readonly book: OrderBook;

  constructor() {
    // Slots are recycled through a free list, so the pool only needs the peak of live orders (~25k in these
    // streams); pre-sized so that its growth (a rare, amortised doubling) stays out of the measured runs.
    const pool = new OrderPool(1 << 16);
    this.book = new OrderBook(pool, undefined, 0, 100_000);
  }

  apply(s: OpStream, i: number): void {
    const b = this.book;
    switch (s.kind[i]) {
      case OP_LIMIT:
        b.limit(s.id[i], s.side[i], s.price[i], s.qty[i], s.owner[i]);
        break;
      case OP_IOC:
        b.ioc(s.id[i], s.side[i], s.price[i], s.qty[i], s.owner[i]);
        break;
      case OP_MARKET:
        b.market(s.id[i], s.side[i], s.qty[i], s.owner[i]);
        break;
      case OP_CANCEL:
        b.cancel(s.id[i]);
        break;
      default:
        b.modify(s.id[i], s.price[i], s.qty[i]);
    }
  }

  state(): BookState {
    const bids = this.book.levels(BUY, Number.MAX_SAFE_INTEGER);
    const asks = this.book.levels(2, Number.MAX_SAFE_INTEGER);
    let volume = 0;
    for (const l of bids) volume += l.quantity;
    for (const l of asks) volume += l.quantity;
    return {
      bestBid: this.book.bestBid(),
      bestAsk: this.book.bestAsk(),
      volume,
      levels: bids.length + asks.length,
    };
  }
}

/** The string ids the competitor libraries need, built once per stream outside the timed runs. */
const idCache = new WeakMap<OpStream, string[]>();
function stringIds(s: OpStream, upTo: number): string[] {
  let ids = idCache.get(s);
  if (ids === undefined) {
    ids = [];
    idCache.set(s, ids);
  }
  for (let i = ids.length; i < upTo; i++) ids.push(String(s.id[i]));
  return ids;
}

/** Side / time-in-force strings of both libraries (their enums are string enums with these values). */
type JsSide = "buy" | "sell";
const SIDES: JsSide[] = ["buy", "buy", "sell"];

/** What both competitor libraries have in common (they share an ancestor and an API). */
interface JsBook {
  // biome-ignore lint/suspicious/noExplicitAny: the libraries type their results differently; results are ignored
  limit(o: { id: string; side: never; size: number; price: number; timeInForce?: never }): any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  market(o: { side: never; size: number }): any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  cancel(id: string): any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  modify(id: string, u: { price: number; size: number }): any;
  depth(): [Array<[number, number]>, Array<[number, number]>];
}

class JsLibBook implements BenchBook {
  private ids: string[] = [];
  constructor(
    readonly name: string,
    private readonly ob: JsBook,
  ) {}

  /** Must be called before apply() for ops below `upTo`. */
  prepare(s: OpStream, upTo: number): void {
    this.ids = stringIds(s, upTo);
  }

  apply(s: OpStream, i: number): void {
    const ob = this.ob;
    switch (s.kind[i]) {
      case OP_LIMIT:
        ob.limit({ id: this.ids[i], side: SIDES[s.side[i]] as never, size: s.qty[i], price: s.price[i] });
        break;
      case OP_IOC:
        ob.limit({
          id: this.ids[i],
          side: SIDES[s.side[i]] as never,
          size: s.qty[i],
          price: s.price[i],
          timeInForce: "IOC" as never,
        });
        break;
      case OP_MARKET:
        ob.market({ side: SIDES[s.side[i]] as never, size: s.qty[i] });
        break;
      case OP_CANCEL:
        ob.cancel(this.ids[i]);
        break;
      default:
        ob.modify(this.ids[i], { price: s.price[i], size: s.qty[i] });
    }
  }

  state(): BookState {
    const [asks, bids] = this.ob.depth();
    let volume = 0;
    let bestBid = 0;
    let bestAsk = 0;
    for (const [p, v] of bids) {
      volume += v;
      if (p > bestBid) bestBid = p;
    }
    for (const [p, v] of asks) {
      volume += v;
      if (bestAsk === 0 || p < bestAsk) bestAsk = p;
    }
    return { bestBid, bestAsk, volume, levels: bids.length + asks.length };
  }
}

export const COMPETITORS = ["nodejs-order-book", "hft-limit-order-book"] as const;
export type Competitor = (typeof COMPETITORS)[number];

export function competitorBook(name: Competitor): JsLibBook {
  // Both are constructed with their defaults (no journaling, no conditional orders).
  const ob = (name === "nodejs-order-book" ? new NobBook() : new HloBook()) as unknown as JsBook;
  return new JsLibBook(name, ob);
}

export type { JsLibBook };

/** Commands for the facade, built once per stream outside the timed runs. */
interface FacadeCmds {
  cmds: (NewOrder | CancelRequest | ModifyRequest)[];
  /** new order ids in stream order must equal the engine's ids: the first new order of the stream */
  firstId: number;
}
const facadeCache = new WeakMap<OpStream, FacadeCmds>();

export const FACADE_SYMBOL = "BENCH";

/**
 * Our full engine facade (MatchingEngine: validation, risk checks, proto command objects in, proto
 * ExecutionReport objects out), on the same stream. STP off and limits wide so that it trades exactly like the
 * numeric OrderBook; a modify's new total quantity is taken from a replay of the numeric book (filled + leaves).
 */
export class FacadeBook implements BenchBook {
  readonly name = "ours: MatchingEngine facade";
  readonly engine: MatchingEngine;
  private readonly out: ExecutionReport[] = [];
  private cmds: FacadeCmds["cmds"] = [];

  constructor() {
    this.engine = new MatchingEngine({
      symbols: [
        {
          symbol: FACADE_SYMBOL,
          tickSize: "0.01",
          lotSize: "1",
          referencePrice: 100_000,
          priceBandBps: 5_000,
          maxOrderQuantity: 1_000_000,
          maxOrderNotional: 1e15,
        },
      ],
      maxOpenOrdersPerAccount: 1_000_000,
      defaultStpMode: StpMode.STP_NONE,
      orderPoolSize: 1 << 16,
    });
  }

  prepare(s: OpStream): void {
    let c = facadeCache.get(s);
    if (c === undefined) {
      c = buildFacadeCmds(s);
      facadeCache.set(s, c);
    }
    this.cmds = c.cmds;
  }

  apply(s: OpStream, i: number): void {
    const out = this.out;
    out.length = 0;
    const k = s.kind[i];
    if (k === OP_CANCEL) this.engine.cancel(this.cmds[i] as CancelRequest, out);
    else if (k === OP_MODIFY) this.engine.modify(this.cmds[i] as ModifyRequest, out);
    else this.engine.submit(this.cmds[i] as NewOrder, out);
  }

  state(): BookState {
    const snap = this.engine.snapshot(FACADE_SYMBOL, 1_000_000);
    let volume = 0;
    for (const l of snap?.bids ?? []) volume += l.quantity;
    for (const l of snap?.asks ?? []) volume += l.quantity;
    return {
      bestBid: snap?.bestBid ?? 0,
      bestAsk: snap?.bestAsk ?? 0,
      volume,
      levels: (snap?.bids.length ?? 0) + (snap?.asks.length ?? 0),
    };
  }
}

function buildFacadeCmds(s: OpStream): FacadeCmds {
  const accounts: string[] = [];
  const accountOf = new Map<number, string>();
  const acct = (o: number): string => {
    let a = accounts[o];
    if (a === undefined) {
      a = `acct-${o}`;
      accounts[o] = a;
    }
    return a;
  };
  // replay on the numeric book to know each modify target's filled quantity at that point
  const model = new OursBook();
  const pool = model.book.pool;
  const cmds: FacadeCmds["cmds"] = [];
  let firstId = 0;
  for (let i = 0; i < s.n; i++) {
    const k = s.kind[i];
    const id = s.id[i];
    if (k === OP_CANCEL) {
      cmds.push(
        CancelRequest.fromPartial({
          requestId: i + 1,
          account: accountOf.get(id) ?? "",
          symbol: FACADE_SYMBOL,
          orderId: id,
        }),
      );
    } else if (k === OP_MODIFY) {
      const slot = pool.slotOf(id);
      const filled = slot === NIL ? 0 : pool.filled[slot];
      cmds.push(
        ModifyRequest.fromPartial({
          requestId: i + 1,
          account: accountOf.get(id) ?? "",
          symbol: FACADE_SYMBOL,
          orderId: id,
          newPrice: s.price[i],
          newQuantity: filled + s.qty[i],
        }),
      );
    } else {
      if (firstId === 0) firstId = id;
      const account = acct(s.owner[i]);
      accountOf.set(id, account);
      cmds.push(
        NewOrder.fromPartial({
          requestId: i + 1,
          account,
          symbol: FACADE_SYMBOL,
          side: s.side[i] === BUY ? Side.BUY : Side.SELL,
          orderType: k === OP_MARKET ? OrderType.MARKET : OrderType.LIMIT,
          timeInForce: k === OP_LIMIT ? TimeInForce.GTC : TimeInForce.IOC,
          price: k === OP_MARKET ? 0 : s.price[i],
          quantity: s.qty[i],
        }),
      );
    }
    model.apply(s, i);
  }
  if (firstId !== 1)
    throw new Error(`stream ${s.name}: first order id is ${firstId}, the engine starts at 1`);
  return { cmds, firstId };
}
