// Property tests of the matching invariants over random command sequences (fast-check).
import {
  ExecType,
  type ExecutionReport,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
} from "@hft/proto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Harness, harness, REF } from "./helpers.js";

type Cmd =
  | {
      k: "new";
      account: number;
      side: Side;
      type: OrderType;
      tif: TimeInForce;
      price: number;
      qty: number;
      display: number;
      postOnly: boolean;
      stop: number;
      trail: number;
      stp: StpMode;
      ttl: number;
    }
  | { k: "cancel"; account: number; pick: number }
  | { k: "modify"; account: number; pick: number; dPrice: number; qty: number }
  | { k: "expire"; advanceMs: number };

const accounts = ["a0", "a1", "a2", "a3"];

/** Full feature mix: every order type, TIF, icebergs, post-only, stops, STP modes, GTD. */
const fullCmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("new" as const),
      account: fc.nat(3),
      side: fc.constantFrom(Side.BUY, Side.SELL),
      type: fc.constantFrom(
        OrderType.LIMIT,
        OrderType.LIMIT,
        OrderType.LIMIT,
        OrderType.MARKET,
        OrderType.STOP_MARKET,
        OrderType.STOP_LIMIT,
        OrderType.TRAILING_STOP,
      ),
      tif: fc.constantFrom(TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.GTD),
      price: fc.integer({ min: -6, max: 6 }),
      qty: fc.integer({ min: 1, max: 12 }),
      display: fc.integer({ min: 0, max: 4 }),
      postOnly: fc.boolean(),
      stop: fc.integer({ min: -4, max: 4 }),
      trail: fc.integer({ min: 1, max: 4 }),
      stp: fc.constantFrom(
        StpMode.STP_DEFAULT,
        StpMode.STP_CANCEL_NEWEST,
        StpMode.STP_CANCEL_OLDEST,
        StpMode.STP_CANCEL_BOTH,
        StpMode.STP_NONE,
      ),
      ttl: fc.integer({ min: 1, max: 50 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant("cancel" as const), account: fc.nat(3), pick: fc.nat(50) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("modify" as const),
      account: fc.nat(3),
      pick: fc.nat(50),
      dPrice: fc.integer({ min: -3, max: 3 }),
      qty: fc.integer({ min: 0, max: 14 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("expire" as const), advanceMs: fc.integer({ min: 0, max: 30 }) }),
  },
);

function apply(h: Harness, c: Cmd): ExecutionReport[] {
  const open = (account: string) => h.engine.openOrders(account);
  switch (c.k) {
    case "new": {
      const market =
        c.type === OrderType.MARKET || c.type === OrderType.STOP_MARKET || c.type === OrderType.TRAILING_STOP;
      const tif = market ? (c.tif === TimeInForce.FOK ? TimeInForce.FOK : TimeInForce.IOC) : c.tif;
      const resting = !market && (tif === TimeInForce.GTC || tif === TimeInForce.GTD);
      const stopped = c.type === OrderType.STOP_LIMIT || c.type === OrderType.STOP_MARKET;
      return h.submit({
        account: accounts[c.account],
        side: c.side,
        orderType: c.type,
        timeInForce: tif,
        price: c.type === OrderType.LIMIT || c.type === OrderType.STOP_LIMIT ? REF + c.price : 0,
        quantity: c.qty,
        displayQuantity: resting && c.display < c.qty ? c.display : 0,
        postOnly: c.type === OrderType.LIMIT && resting && c.postOnly,
        stopPrice: stopped ? REF + c.stop : 0,
        trailingOffset: c.type === OrderType.TRAILING_STOP ? c.trail : 0,
        stpMode: c.stp,
        expireTimeMs: tif === TimeInForce.GTD ? h.clock.ns / 1e6 + c.ttl : 0,
      });
    }
    case "cancel": {
      const mine = open(accounts[c.account]);
      const id = mine.length > 0 ? mine[c.pick % mine.length].orderId : 12345;
      return h.cancel({ account: accounts[c.account], orderId: id });
    }
    case "modify": {
      const mine = open(accounts[c.account]).filter((o) => o.status !== OrderStatus.PENDING_TRIGGER);
      if (mine.length === 0) return [];
      const o = mine[c.pick % mine.length];
      return h.modify({
        account: accounts[c.account],
        orderId: o.orderId,
        newPrice: c.dPrice === 0 ? 0 : o.price + c.dPrice,
        newQuantity: c.qty,
      });
    }
    case "expire":
      h.clock.ns += c.advanceMs * 1e6;
      return h.expire(h.clock.ns / 1e6);
  }
}

interface OrderTrack {
  quantity: number;
  filled: number;
  tradeSum: number;
  tif: TimeInForce;
  type: OrderType;
  stp: StpMode;
  account: string;
  done: boolean;
}

function checkInvariants(
  h: Harness,
  reports: ExecutionReport[],
  track: Map<number, OrderTrack>,
  defaultStp: StpMode,
) {
  // 1. never a crossed book
  const snap = h.engine.snapshot("AAPL", 1000);
  if (snap === undefined) throw new Error("no snapshot");
  if (snap.bestBid > 0 && snap.bestAsk > 0) expect(snap.bestBid).toBeLessThan(snap.bestAsk);
  // 2. every trade id has exactly one maker and one taker report with equal price and quantity, opposite sides
  const byTrade = new Map<number, ExecutionReport[]>();
  for (const r of reports) {
    if (r.execType !== ExecType.EXEC_TRADE) continue;
    const l = byTrade.get(r.tradeId) ?? [];
    l.push(r);
    byTrade.set(r.tradeId, l);
  }
  for (const [, pair] of byTrade) {
    expect(pair).toHaveLength(2);
    const [t, m] = pair[0].isMaker ? [pair[1], pair[0]] : [pair[0], pair[1]];
    expect(t.isMaker).toBe(false);
    expect(m.isMaker).toBe(true);
    expect(t.lastQuantity).toBe(m.lastQuantity);
    expect(t.lastPrice).toBe(m.lastPrice);
    expect(t.side).not.toBe(m.side);
    expect(t.lastQuantity).toBeGreaterThan(0);
    // STP: an order with a prevention mode never trades with its own account
    const takerStp = track.get(t.orderId)?.stp ?? StpMode.STP_DEFAULT;
    const mode = takerStp === StpMode.STP_DEFAULT ? defaultStp : takerStp;
    if (mode !== StpMode.STP_NONE) expect(m.account).not.toBe(t.account);
  }
  // 3. per order: fills add up, filled + leaves == quantity while live, leaves 0 once done
  for (const r of reports) {
    if (r.orderId === 0 || r.execType === ExecType.EXEC_REJECTED) continue;
    let t = track.get(r.orderId);
    if (t === undefined) {
      t = {
        quantity: r.quantity,
        filled: 0,
        tradeSum: 0,
        tif: r.timeInForce,
        type: r.orderType,
        stp: StpMode.STP_DEFAULT,
        account: r.account,
        done: false,
      };
      track.set(r.orderId, t);
    }
    expect(t.done).toBe(false);
    if (r.execType === ExecType.EXEC_TRADE) t.tradeSum += r.lastQuantity;
    t.quantity = r.quantity;
    t.filled = r.filledQuantity;
    expect(r.filledQuantity).toBe(t.tradeSum);
    expect(r.filledQuantity).toBeLessThanOrEqual(r.quantity);
    const terminal =
      r.execType === ExecType.EXEC_CANCELED ||
      r.execType === ExecType.EXEC_EXPIRED ||
      r.status === OrderStatus.FILLED;
    if (terminal) {
      expect(r.leavesQuantity).toBe(0);
      t.done = true;
    } else {
      expect(r.filledQuantity + r.leavesQuantity).toBe(r.quantity);
    }
  }
  // 4. IOC / FOK / market orders never rest; FOK fills all or nothing
  const open = h.engine.openOrders();
  for (const o of open) {
    if (o.status === OrderStatus.PENDING_TRIGGER) continue;
    expect([TimeInForce.GTC, TimeInForce.GTD]).toContain(o.timeInForce);
    expect(o.orderType === OrderType.LIMIT || o.orderType === OrderType.STOP_LIMIT).toBe(true);
  }
  for (const [, t] of track) {
    if (t.tif === TimeInForce.FOK && t.done) expect([0, t.quantity]).toContain(t.filled);
  }
  // 5. book and order views agree
  expect(open).toHaveLength(h.engine.openOrderCount());
  const resting = open.filter((o) => o.status !== OrderStatus.PENDING_TRIGGER);
  const levelCount = [...snap.bids, ...snap.asks].reduce((s, l) => s + l.orderCount, 0);
  expect(levelCount).toBe(resting.length);
  for (const o of resting) expect(track.get(o.orderId)?.done ?? false).toBe(false);
}

describe("matching invariants (property)", () => {
  for (const defaultStp of [
    StpMode.STP_CANCEL_NEWEST,
    StpMode.STP_CANCEL_OLDEST,
    StpMode.STP_CANCEL_BOTH,
    StpMode.STP_NONE,
  ]) {
    it(`hold after every command of random sequences (default STP ${StpMode[defaultStp]})`, () => {
      fc.assert(
        fc.property(fc.array(fullCmd, { minLength: 1, maxLength: 80, size: "max" }), (cmds) => {
          const h = harness({ defaultStpMode: defaultStp, maxOpenOrdersPerAccount: 30 });
          const track = new Map<number, OrderTrack>();
          for (const c of cmds) {
            const before = h.out.length;
            const rs = apply(h, c);
            if (c.k === "new" && rs.length > 0 && rs[0].orderId > 0) {
              const t = { stp: c.stp } as Partial<OrderTrack>;
              // remember the order's own STP mode for the self-trade check
              track.set(rs[0].orderId, {
                quantity: rs[0].quantity,
                filled: 0,
                tradeSum: 0,
                tif: rs[0].timeInForce,
                type: rs[0].orderType,
                stp: t.stp ?? StpMode.STP_DEFAULT,
                account: rs[0].account,
                done: false,
              });
            }
            checkInvariants(h, h.out.slice(before), track, defaultStp);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("replaying the same command sequence yields identical reports (determinism)", () => {
    fc.assert(
      fc.property(fc.array(fullCmd, { minLength: 1, maxLength: 100, size: "max" }), (cmds) => {
        const a = harness();
        const b = harness();
        for (const c of cmds) apply(a, c);
        for (const c of cmds) apply(b, c);
        expect(b.out).toEqual(a.out);
      }),
      { numRuns: 100 },
    );
  });
});

// ------------------------------------------------------------------ reference model for plain orders

interface MOrder {
  id: number;
  side: Side;
  price: number;
  qty: number;
  filled: number;
  t: number;
}

/** A deliberately naive book (linear scans, sorts) with the same rules for limit/IOC/FOK/market/cancel/modify. */
class NaiveBook {
  orders: MOrder[] = [];
  trades: [number, number, number, number][] = [];
  private nextId = 1;
  private t = 0;

  private crossing(side: Side, limit: number): MOrder[] {
    return this.orders
      .filter((o) => o.side !== side && (side === Side.BUY ? o.price <= limit : o.price >= limit))
      .sort((x, y) => (side === Side.BUY ? x.price - y.price : y.price - x.price) || x.t - y.t);
  }

  private match(o: MOrder, limit: number): void {
    for (const m of this.crossing(o.side, limit)) {
      if (o.filled === o.qty) break;
      const q = Math.min(o.qty - o.filled, m.qty - m.filled);
      o.filled += q;
      m.filled += q;
      this.trades.push([m.id, o.id, m.price, q]);
      if (m.filled === m.qty) this.orders = this.orders.filter((x) => x !== m);
    }
  }

  submit(side: Side, type: OrderType, tif: TimeInForce, price: number, qty: number): void {
    const o: MOrder = { id: this.nextId++, side, price, qty, filled: 0, t: this.t++ };
    const limit = type === OrderType.MARKET ? (side === Side.BUY ? REF + 1000 : REF - 1000) : price;
    if (tif === TimeInForce.FOK) {
      const avail = this.crossing(side, limit).reduce((s, m) => s + m.qty - m.filled, 0);
      if (avail < qty) return;
    }
    this.match(o, limit);
    if (o.filled < o.qty && type === OrderType.LIMIT && tif === TimeInForce.GTC) this.orders.push(o);
  }

  cancel(id: number): void {
    this.orders = this.orders.filter((o) => o.id !== id);
  }

  modify(id: number, newPrice: number, newQty: number): void {
    const o = this.orders.find((x) => x.id === id);
    if (o === undefined) return;
    const price = newPrice === 0 ? o.price : newPrice;
    const qty = newQty === 0 ? o.qty : newQty;
    if (qty <= o.filled) return;
    if (price === o.price && qty <= o.qty) {
      o.qty = qty;
      return;
    }
    this.cancel(id);
    o.price = price;
    o.qty = qty;
    o.t = this.t++;
    this.match(o, price);
    if (o.filled < o.qty) this.orders.push(o);
  }
}

type PlainCmd =
  | { k: "new"; side: Side; type: OrderType; tif: TimeInForce; price: number; qty: number }
  | { k: "cancel"; pick: number }
  | { k: "modify"; pick: number; dPrice: number; qty: number };

const plainCmd: fc.Arbitrary<PlainCmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("new" as const),
      side: fc.constantFrom(Side.BUY, Side.SELL),
      type: fc.constantFrom(OrderType.LIMIT, OrderType.LIMIT, OrderType.LIMIT, OrderType.MARKET),
      tif: fc.constantFrom(TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK),
      price: fc.integer({ min: REF - 4, max: REF + 4 }),
      qty: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("cancel" as const), pick: fc.nat(100) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("modify" as const),
      pick: fc.nat(100),
      dPrice: fc.constantFrom(0, 0, 0, -2, -1, 1, 2),
      qty: fc.integer({ min: 0, max: 25 }),
    }),
  },
);

describe("price-time priority against a naive reference book (property)", () => {
  it("produces exactly the reference model's trades and resting orders", () => {
    fc.assert(
      fc.property(fc.array(plainCmd, { minLength: 1, maxLength: 150, size: "max" }), (cmds) => {
        const h = harness({ defaultStpMode: StpMode.STP_NONE });
        const model = new NaiveBook();
        for (const c of cmds) {
          if (c.k === "new") {
            const tif = c.type === OrderType.MARKET && c.tif !== TimeInForce.FOK ? TimeInForce.IOC : c.tif;
            h.submit({
              account: "x",
              side: c.side,
              orderType: c.type,
              timeInForce: tif,
              price: c.type === OrderType.MARKET ? 0 : c.price,
              quantity: c.qty,
            });
            model.submit(c.side, c.type, tif, c.price, c.qty);
          } else {
            const ids = model.orders.map((o) => o.id).sort((x, y) => x - y);
            if (ids.length === 0) continue;
            const id = ids[c.pick % ids.length];
            if (c.k === "cancel") {
              h.cancel({ account: "x", orderId: id });
              model.cancel(id);
            } else {
              const o = model.orders.find((x) => x.id === id) as MOrder;
              const newPrice = c.dPrice === 0 ? 0 : o.price + c.dPrice;
              h.modify({ account: "x", orderId: id, newPrice, newQuantity: c.qty });
              model.modify(id, newPrice, c.qty);
            }
          }
        }
        const engineTrades: [number, number, number, number][] = [];
        const byId = new Map<number, ExecutionReport>();
        for (const r of h.out) {
          if (r.execType !== ExecType.EXEC_TRADE) continue;
          const other = byId.get(r.tradeId);
          if (other === undefined) {
            byId.set(r.tradeId, r);
            continue;
          }
          const [t, m] = r.isMaker ? [other, r] : [r, other];
          engineTrades.push([m.orderId, t.orderId, m.lastPrice, m.lastQuantity]);
        }
        expect(engineTrades).toEqual(model.trades);
        const open = h.engine
          .openOrders()
          .map((o) => [o.orderId, o.price, o.quantity - o.filledQuantity])
          .sort((x, y) => x[0] - y[0]);
        const modelOpen = model.orders
          .map((o) => [o.id, o.price, o.qty - o.filled])
          .sort((x, y) => x[0] - y[0]);
        expect(open).toEqual(modelOpen);
        // maker fills == taker fills overall
        const total = engineTrades.reduce((s, t) => s + t[3], 0);
        expect(total).toBe(model.trades.reduce((s, t) => s + t[3], 0));
      }),
      { numRuns: 300 },
    );
  });
});
