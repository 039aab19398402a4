import { ExecType, OrderStatus, OrderType, RejectReason, Side, StpMode, TimeInForce } from "@hft/proto";
import { describe, expect, it } from "vitest";
import { harness, idOf, ofType, REF, trades } from "./helpers.js";

describe("price-time priority", () => {
  it("fills the better price first, then the earlier order at the same price", () => {
    const h = harness();
    const a = idOf(h.submit({ account: "m1", side: Side.SELL, price: REF + 2, quantity: 5 }));
    const b = idOf(h.submit({ account: "m2", side: Side.SELL, price: REF + 1, quantity: 5 }));
    const c = idOf(h.submit({ account: "m3", side: Side.SELL, price: REF + 1, quantity: 5 }));
    const r = h.submit({ account: "t", side: Side.BUY, price: REF + 2, quantity: 12 });
    const makerFills = trades(r).filter((x) => x.isMaker);
    expect(makerFills.map((x) => [x.orderId, x.lastPrice, x.lastQuantity])).toEqual([
      [b, REF + 1, 5],
      [c, REF + 1, 5],
      [a, REF + 2, 2],
    ]);
    const taker = trades(r).filter((x) => !x.isMaker);
    expect(taker.at(-1)).toMatchObject({ status: OrderStatus.FILLED, filledQuantity: 12, leavesQuantity: 0 });
    const snap = h.engine.snapshot("AAPL", 10);
    expect(snap?.asks).toEqual([{ price: REF + 2, quantity: 3, orderCount: 1 }]);
    expect(snap?.bids).toEqual([]);
  });

  it("a partially filled taker rests its remainder at its limit and trades at the maker's price", () => {
    const h = harness();
    h.submit({ account: "m", side: Side.SELL, price: REF - 5, quantity: 4 });
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 10 });
    expect(trades(r)[0]).toMatchObject({ lastPrice: REF - 5, lastQuantity: 4 });
    const snap = h.engine.snapshot("AAPL", 5);
    expect(snap).toMatchObject({ bestBid: REF, bestAsk: 0, lastPrice: REF - 5, volume: 4, midPriceX2: 0 });
    expect(snap?.bids).toEqual([{ price: REF, quantity: 6, orderCount: 1 }]);
    expect(h.engine.openOrders("t")[0]).toMatchObject({
      status: OrderStatus.PARTIALLY_FILLED,
      filledQuantity: 4,
      leavesQuantity: 6,
    });
  });

  it("seq is strictly increasing and order ids are increasing", () => {
    const h = harness();
    for (let i = 0; i < 20; i++) {
      h.submit({ account: `a${i % 3}`, side: i % 2 ? Side.BUY : Side.SELL, price: REF + (i % 5) - 2 });
    }
    const seqs = h.out.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    const ids = ofType(h.out, ExecType.EXEC_NEW).map((r) => r.orderId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });
});

describe("time in force", () => {
  it("IOC never rests: the remainder is cancelled", () => {
    const h = harness();
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 3 });
    const r = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF,
      quantity: 10,
      timeInForce: TimeInForce.IOC,
    });
    expect(trades(r).filter((x) => !x.isMaker)[0].lastQuantity).toBe(3);
    expect(r.at(-1)).toMatchObject({
      execType: ExecType.EXEC_CANCELED,
      filledQuantity: 3,
      leavesQuantity: 0,
    });
    expect(h.engine.snapshot("AAPL", 5)?.bids).toEqual([]);
    expect(h.engine.openOrderCount()).toBe(0);
  });

  it("FOK is all-or-nothing", () => {
    const h = harness();
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 3 });
    h.submit({ account: "m", side: Side.SELL, price: REF + 1, quantity: 3 });
    const no = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF + 1,
      quantity: 7,
      timeInForce: TimeInForce.FOK,
    });
    expect(no).toHaveLength(1);
    expect(no[0]).toMatchObject({
      execType: ExecType.EXEC_REJECTED,
      rejectReason: RejectReason.FOK_NOT_FILLABLE,
    });
    expect(h.engine.snapshot("AAPL", 5)?.asks.map((l) => l.quantity)).toEqual([3, 3]);
    const yes = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF + 1,
      quantity: 6,
      timeInForce: TimeInForce.FOK,
    });
    expect(
      trades(yes)
        .filter((t) => !t.isMaker)
        .at(-1),
    ).toMatchObject({ status: OrderStatus.FILLED, filledQuantity: 6 });
  });

  it("FOK counts only what self-trade prevention lets it take", () => {
    const h = harness();
    h.submit({ account: "t", side: Side.SELL, price: REF, quantity: 5 });
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 5 });
    const r = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF,
      quantity: 5,
      timeInForce: TimeInForce.FOK,
    });
    expect(r[0].rejectReason).toBe(RejectReason.FOK_NOT_FILLABLE);
    const old = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF,
      quantity: 5,
      timeInForce: TimeInForce.FOK,
      stpMode: StpMode.STP_CANCEL_OLDEST,
    });
    expect(old.at(-2)).toMatchObject({ execType: ExecType.EXEC_TRADE, lastQuantity: 5 });
    expect(ofType(old, ExecType.EXEC_CANCELED)[0].rejectReason).toBe(RejectReason.SELF_TRADE_PREVENTED);
  });

  it("FOK does not count an iceberg reserve that would refresh behind an own order", () => {
    const h = harness({ defaultStpMode: StpMode.STP_CANCEL_BOTH });
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 2, displayQuantity: 1 });
    h.submit({ account: "t", side: Side.SELL, price: REF, quantity: 1 });
    const r = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF,
      quantity: 2,
      timeInForce: TimeInForce.FOK,
    });
    expect(r).toHaveLength(1);
    expect(r[0].rejectReason).toBe(RejectReason.FOK_NOT_FILLABLE);
    const one = h.submit({
      account: "t",
      side: Side.BUY,
      price: REF,
      quantity: 1,
      timeInForce: TimeInForce.FOK,
    });
    expect(
      trades(one)
        .filter((t) => !t.isMaker)
        .at(-1),
    ).toMatchObject({ status: OrderStatus.FILLED });
  });

  it("market orders sweep within the price band only and report NO_LIQUIDITY on an empty book", () => {
    const h = harness();
    const none = h.submit({ orderType: OrderType.MARKET, price: 0, quantity: 5 });
    expect(none.at(-1)).toMatchObject({
      execType: ExecType.EXEC_CANCELED,
      rejectReason: RejectReason.NO_LIQUIDITY,
    });
    h.submit({ account: "m", side: Side.SELL, price: REF + 1000, quantity: 2 }); // band edge
    h.engine.setReferencePrice("AAPL", REF - 100); // the resting ask is now beyond the band
    const r = h.submit({ orderType: OrderType.MARKET, price: 0, quantity: 5 });
    expect(trades(r)).toHaveLength(0);
    expect(r.at(-1)?.rejectReason).toBe(RejectReason.NO_LIQUIDITY);
    h.engine.setReferencePrice("AAPL", REF);
    const ok = h.submit({ orderType: OrderType.MARKET, price: 0, quantity: 5 });
    expect(trades(ok).filter((x) => !x.isMaker)[0].lastQuantity).toBe(2);
    expect(ok.at(-1)).toMatchObject({
      execType: ExecType.EXEC_CANCELED,
      rejectReason: RejectReason.REJECT_NONE,
    });
  });

  it("market orders must be IOC/FOK and take no price", () => {
    const h = harness();
    expect(
      h.submit({ orderType: OrderType.MARKET, price: 0, timeInForce: TimeInForce.GTC })[0].rejectReason,
    ).toBe(RejectReason.INVALID_TIME_IN_FORCE);
    expect(h.submit({ orderType: OrderType.MARKET, price: REF })[0].rejectReason).toBe(
      RejectReason.INVALID_PRICE,
    );
  });

  it("post-only rests when passive and is rejected when it would take", () => {
    const h = harness();
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 3 });
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, postOnly: true });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      execType: ExecType.EXEC_REJECTED,
      rejectReason: RejectReason.POST_ONLY_WOULD_TAKE,
    });
    const ok = h.submit({ account: "t", side: Side.BUY, price: REF - 1, postOnly: true });
    expect(ok[0].execType).toBe(ExecType.EXEC_NEW);
    expect(h.engine.snapshot("AAPL", 5)?.bestBid).toBe(REF - 1);
  });

  it("GTD orders expire at their time, GTC orders do not", () => {
    const h = harness();
    const nowMs = h.clock.ns / 1e6;
    expect(h.submit({ timeInForce: TimeInForce.GTD, expireTimeMs: nowMs - 1 })[0].rejectReason).toBe(
      RejectReason.INVALID_EXPIRY,
    );
    const gtd = idOf(h.submit({ timeInForce: TimeInForce.GTD, expireTimeMs: nowMs + 1000, price: REF - 1 }));
    const gtc = idOf(h.submit({ price: REF - 2 }));
    expect(h.expire(nowMs + 999)).toEqual([]);
    const r = h.expire(nowMs + 1000);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ orderId: gtd, execType: ExecType.EXEC_EXPIRED, leavesQuantity: 0 });
    expect(h.engine.openOrders().map((o) => o.orderId)).toEqual([gtc]);
    // an order cancelled before its expiry produces nothing later
    const g2 = idOf(h.submit({ timeInForce: TimeInForce.GTD, expireTimeMs: nowMs + 5000, price: REF - 3 }));
    h.cancel({ orderId: g2 });
    expect(h.expire(nowMs + 10_000)).toEqual([]);
  });
});

describe("self-trade prevention", () => {
  const setup = (mode: StpMode) => {
    const h = harness({ defaultStpMode: mode });
    const old = idOf(h.submit({ account: "x", side: Side.SELL, price: REF, quantity: 5 }));
    const other = idOf(h.submit({ account: "y", side: Side.SELL, price: REF, quantity: 5 }));
    return { h, old, other };
  };

  it("cancel newest: the incoming order is cancelled, the resting one stays", () => {
    const { h, old } = setup(StpMode.STP_CANCEL_NEWEST);
    const r = h.submit({ account: "x", side: Side.BUY, price: REF, quantity: 5 });
    expect(trades(r)).toHaveLength(0);
    expect(r.at(-1)).toMatchObject({
      execType: ExecType.EXEC_CANCELED,
      rejectReason: RejectReason.SELF_TRADE_PREVENTED,
    });
    expect(h.engine.openOrders("x").map((o) => o.orderId)).toEqual([old]);
  });

  it("cancel oldest: the resting own order is cancelled and matching continues", () => {
    const { h, old, other } = setup(StpMode.STP_CANCEL_OLDEST);
    const r = h.submit({ account: "x", side: Side.BUY, price: REF, quantity: 5 });
    expect(r[1]).toMatchObject({
      orderId: old,
      execType: ExecType.EXEC_CANCELED,
      rejectReason: RejectReason.SELF_TRADE_PREVENTED,
    });
    expect(
      trades(r)
        .filter((t) => t.isMaker)
        .map((t) => t.orderId),
    ).toEqual([other]);
    expect(r.at(-1)).toMatchObject({ status: OrderStatus.FILLED });
  });

  it("cancel both: both orders are cancelled, nothing trades", () => {
    const { h, old, other } = setup(StpMode.STP_CANCEL_BOTH);
    const r = h.submit({ account: "x", side: Side.BUY, price: REF, quantity: 5 });
    const cancels = ofType(r, ExecType.EXEC_CANCELED);
    expect(cancels.map((c) => c.rejectReason)).toEqual([
      RejectReason.SELF_TRADE_PREVENTED,
      RejectReason.SELF_TRADE_PREVENTED,
    ]);
    expect(cancels[0].orderId).toBe(old);
    expect(trades(r)).toHaveLength(0);
    expect(h.engine.openOrders().map((o) => o.orderId)).toEqual([other]);
  });

  it("the order's own mode overrides the engine default; STP_NONE lets it self-trade", () => {
    const { h } = setup(StpMode.STP_CANCEL_NEWEST);
    const r = h.submit({ account: "x", side: Side.BUY, price: REF, quantity: 5, stpMode: StpMode.STP_NONE });
    expect(trades(r).filter((t) => t.isMaker)[0].account).toBe("x");
  });
});

describe("modify", () => {
  it("quantity down keeps the queue position", () => {
    const h = harness();
    const a = idOf(h.submit({ account: "a", side: Side.SELL, price: REF, quantity: 10 }));
    const b = idOf(h.submit({ account: "b", side: Side.SELL, price: REF, quantity: 10 }));
    const m = h.modify({ account: "a", orderId: a, newQuantity: 4 });
    expect(m[0]).toMatchObject({ execType: ExecType.EXEC_REPLACED, quantity: 4, leavesQuantity: 4 });
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 5 });
    expect(
      trades(r)
        .filter((t) => t.isMaker)
        .map((t) => [t.orderId, t.lastQuantity]),
    ).toEqual([
      [a, 4],
      [b, 1],
    ]);
  });

  it("quantity up loses the queue position", () => {
    const h = harness();
    const a = idOf(h.submit({ account: "a", side: Side.SELL, price: REF, quantity: 10 }));
    const b = idOf(h.submit({ account: "b", side: Side.SELL, price: REF, quantity: 10 }));
    h.modify({ account: "a", orderId: a, newQuantity: 12 });
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 11 });
    expect(
      trades(r)
        .filter((t) => t.isMaker)
        .map((t) => [t.orderId, t.lastQuantity]),
    ).toEqual([
      [b, 10],
      [a, 1],
    ]);
  });

  it("a price change loses priority and can trade at the new price", () => {
    const h = harness();
    const a = idOf(h.submit({ account: "a", side: Side.SELL, price: REF + 1, quantity: 10 }));
    const b = idOf(h.submit({ account: "b", side: Side.SELL, price: REF, quantity: 10 }));
    h.submit({ account: "c", side: Side.BUY, price: REF - 1, quantity: 3 });
    h.modify({ account: "a", orderId: a, newPrice: REF });
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 11 });
    expect(
      trades(r)
        .filter((t) => t.isMaker)
        .map((t) => t.orderId),
    ).toEqual([b, a]);
    const x = h.modify({ account: "a", orderId: a, newPrice: REF - 1 });
    expect(x[0].execType).toBe(ExecType.EXEC_REPLACED);
    expect(trades(x).filter((t) => t.isMaker)[0]).toMatchObject({
      account: "c",
      lastQuantity: 3,
      lastPrice: REF - 1,
    });
  });

  it("rejects bad modifies and leaves the order untouched", () => {
    const h = harness();
    const a = idOf(h.submit({ account: "a", side: Side.SELL, price: REF, quantity: 10 }));
    h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 4 });
    expect(h.modify({ account: "a", orderId: a, newQuantity: 4 })[0].rejectReason).toBe(
      RejectReason.INVALID_QUANTITY,
    );
    expect(h.modify({ account: "a", orderId: a, newPrice: REF + 5000 })[0].rejectReason).toBe(
      RejectReason.PRICE_BAND,
    );
    expect(h.modify({ account: "a", orderId: a, newQuantity: 1_000_000 })[0].rejectReason).toBe(
      RejectReason.MAX_ORDER_QUANTITY,
    );
    expect(h.modify({ account: "b", orderId: a, newQuantity: 5 })[0].rejectReason).toBe(
      RejectReason.UNKNOWN_ORDER,
    );
    expect(h.engine.openOrders("a")[0]).toMatchObject({ quantity: 10, filledQuantity: 4, price: REF });
  });
});

describe("iceberg", () => {
  it("shows only the display quantity and each refresh goes to the back of the level", () => {
    const h = harness();
    const ice = idOf(
      h.submit({ account: "i", side: Side.SELL, price: REF, quantity: 10, displayQuantity: 3 }),
    );
    const plain = idOf(h.submit({ account: "p", side: Side.SELL, price: REF, quantity: 2 }));
    expect(h.engine.snapshot("AAPL", 1)?.asks).toEqual([{ price: REF, quantity: 5, orderCount: 2 }]);
    const r = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 4 });
    // 3 from the iceberg's first slice, refresh (back of queue), then 1 from the plain order which is now first
    expect(
      trades(r)
        .filter((t) => t.isMaker)
        .map((t) => [t.orderId, t.lastQuantity]),
    ).toEqual([
      [ice, 3],
      [plain, 1],
    ]);
    expect(ofType(r, ExecType.EXEC_RESTATED)).toHaveLength(1);
    expect(ofType(r, ExecType.EXEC_RESTATED)[0]).toMatchObject({ orderId: ice, leavesQuantity: 7 });
    expect(h.engine.snapshot("AAPL", 1)?.asks).toEqual([{ price: REF, quantity: 4, orderCount: 2 }]);
    // a big taker eats the whole iceberg through its refreshes
    const big = h.submit({ account: "t", side: Side.BUY, price: REF, quantity: 100 });
    const filled = trades(big)
      .filter((t) => t.isMaker && t.orderId === ice)
      .reduce((s, t) => s + t.lastQuantity, 0);
    expect(filled).toBe(7);
    expect(h.engine.snapshot("AAPL", 1)?.asks).toEqual([]);
  });

  it("rejects a display quantity not below the quantity", () => {
    const h = harness();
    expect(h.submit({ quantity: 5, displayQuantity: 5 })[0].rejectReason).toBe(
      RejectReason.INVALID_DISPLAY_QUANTITY,
    );
  });
});

describe("stops", () => {
  it("a stop-market is pending until the last trade crosses its trigger, then trades", () => {
    const h = harness();
    const stop = h.submit({
      account: "s",
      side: Side.BUY,
      orderType: OrderType.STOP_MARKET,
      price: 0,
      stopPrice: REF + 5,
      quantity: 2,
    });
    expect(stop[0]).toMatchObject({ execType: ExecType.EXEC_NEW, status: OrderStatus.PENDING_TRIGGER });
    const sid = idOf(stop);
    h.submit({ account: "m", side: Side.SELL, price: REF + 4, quantity: 1 });
    h.submit({ account: "m", side: Side.SELL, price: REF + 6, quantity: 10 });
    const t1 = h.submit({ account: "t", side: Side.BUY, price: REF + 4, quantity: 1 }); // last = REF+4: no trigger
    expect(ofType(t1, ExecType.EXEC_TRIGGERED)).toHaveLength(0);
    const t2 = h.submit({ account: "t", side: Side.BUY, price: REF + 6, quantity: 1 }); // last = REF+6: trigger
    const trig = ofType(t2, ExecType.EXEC_TRIGGERED);
    expect(trig.map((r) => r.orderId)).toEqual([sid]);
    const fills = trades(t2).filter((t) => t.orderId === sid && !t.isMaker);
    expect(fills.at(-1)).toMatchObject({ lastPrice: REF + 6, status: OrderStatus.FILLED });
  });

  it("a sell stop-limit triggers on a trade at or below its stop and rests at its limit", () => {
    const h = harness();
    const sid = idOf(
      h.submit({
        account: "s",
        side: Side.SELL,
        orderType: OrderType.STOP_LIMIT,
        price: REF - 3,
        stopPrice: REF - 2,
        quantity: 5,
      }),
    );
    h.submit({ account: "m", side: Side.BUY, price: REF - 2, quantity: 1 });
    const r = h.submit({ account: "t", side: Side.SELL, price: REF - 2, quantity: 1 });
    expect(ofType(r, ExecType.EXEC_TRIGGERED)[0].orderId).toBe(sid);
    expect(h.engine.snapshot("AAPL", 1)?.asks).toEqual([{ price: REF - 3, quantity: 5, orderCount: 1 }]);
  });

  it("a trailing sell stop follows the highest trade and triggers offset below it", () => {
    const h = harness();
    const trade = (price: number) => {
      h.submit({ account: "m", side: Side.SELL, price, quantity: 1 });
      return h.submit({ account: "t", side: Side.BUY, price, quantity: 1 });
    };
    trade(REF);
    const sid = idOf(
      h.submit({
        account: "s",
        side: Side.SELL,
        orderType: OrderType.TRAILING_STOP,
        price: 0,
        trailingOffset: 10,
        quantity: 1,
      }),
    );
    expect(h.engine.openOrders("s")[0].stopPrice).toBe(REF - 10);
    trade(REF + 20); // trigger follows to REF+10
    expect(h.engine.openOrders("s")[0].stopPrice).toBe(REF + 10);
    trade(REF + 15); // falls back but above the trigger: still pending, trigger unchanged
    expect(h.engine.openOrders("s")[0]).toMatchObject({
      stopPrice: REF + 10,
      status: OrderStatus.PENDING_TRIGGER,
    });
    h.submit({ account: "b", side: Side.BUY, price: REF + 5, quantity: 1 }); // liquidity for the released order
    const r = trade(REF + 10);
    expect(ofType(r, ExecType.EXEC_TRIGGERED)[0].orderId).toBe(sid);
    expect(h.engine.openOrders("s")).toEqual([]);
  });

  it("a pending stop can be cancelled and cannot be modified", () => {
    const h = harness();
    const sid = idOf(
      h.submit({ side: Side.BUY, orderType: OrderType.STOP_MARKET, price: 0, stopPrice: REF + 5 }),
    );
    expect(h.modify({ orderId: sid, newQuantity: 5 })[0].rejectReason).toBe(
      RejectReason.ORDER_NOT_MODIFIABLE,
    );
    expect(h.cancel({ orderId: sid })[0].execType).toBe(ExecType.EXEC_CANCELED);
    expect(h.engine.openOrderCount()).toBe(0);
  });
});

describe("risk and validation", () => {
  it.each([
    [{ price: REF + 1001 }, RejectReason.PRICE_BAND],
    [{ price: REF - 1001 }, RejectReason.PRICE_BAND],
    [{ quantity: 100_001 }, RejectReason.MAX_ORDER_QUANTITY],
    [{ quantity: 60_000 }, RejectReason.MAX_ORDER_NOTIONAL],
    [{ symbol: "NOPE" }, RejectReason.UNKNOWN_SYMBOL],
    [{ quantity: 0 }, RejectReason.INVALID_QUANTITY],
    [{ quantity: -5 }, RejectReason.INVALID_QUANTITY],
    [{ quantity: 1.5 }, RejectReason.QUANTITY_OFF_LOT],
    [{ price: 0 }, RejectReason.INVALID_PRICE],
    [{ price: -1 }, RejectReason.INVALID_PRICE],
    [{ price: 100.5 }, RejectReason.PRICE_OFF_TICK],
    [{ side: Side.SIDE_UNSPECIFIED }, RejectReason.INVALID_SIDE],
    [{ orderType: OrderType.ORDER_TYPE_UNSPECIFIED }, RejectReason.INVALID_ORDER_TYPE],
    [{ account: "" }, RejectReason.INVALID_ACCOUNT],
    [{ orderType: OrderType.STOP_MARKET, price: 0, stopPrice: 0 }, RejectReason.INVALID_STOP_PRICE],
    [{ orderType: OrderType.STOP_LIMIT, stopPrice: REF + 2000 }, RejectReason.PRICE_BAND],
    [{ timeInForce: TimeInForce.GTD, expireTimeMs: 0 }, RejectReason.INVALID_EXPIRY],
  ])("%j is rejected with %i", (order, reason) => {
    const h = harness();
    const r = h.submit(order);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      execType: ExecType.EXEC_REJECTED,
      status: OrderStatus.REJECTED,
      rejectReason: reason,
    });
    expect(r[0].text.length).toBeGreaterThan(0);
    expect(h.engine.openOrderCount()).toBe(0);
  });

  it("enforces the per-account open-order limit", () => {
    const h = harness({ maxOpenOrdersPerAccount: 2 });
    h.submit({ price: REF - 1 });
    h.submit({ price: REF - 2 });
    expect(h.submit({ price: REF - 3 })[0].rejectReason).toBe(RejectReason.OPEN_ORDER_LIMIT);
    expect(h.submit({ account: "bob", price: REF - 3 })[0].execType).toBe(ExecType.EXEC_NEW);
    h.cancel({ orderId: h.engine.openOrders("alice")[0].orderId });
    expect(h.submit({ price: REF - 3 })[0].execType).toBe(ExecType.EXEC_NEW);
  });

  it("the band follows the reference price", () => {
    const h = harness();
    expect(h.engine.setReferencePrice("AAPL", REF * 2)).toBe(true);
    expect(h.engine.setReferencePrice("NOPE", REF)).toBe(false);
    expect(h.submit({ price: REF })[0].rejectReason).toBe(RejectReason.PRICE_BAND);
    expect(h.submit({ price: REF * 2, quantity: 1 })[0].execType).toBe(ExecType.EXEC_NEW);
    expect(h.engine.getSymbols()[0].referencePrice).toBe(REF * 2);
  });
});

describe("ownership and client order ids", () => {
  it("another account's cancel is indistinguishable from an unknown order", () => {
    const h = harness();
    const id = idOf(h.submit({ account: "alice", clientOrderId: "c1" }));
    const foreign = h.cancel({ account: "mallory", orderId: id });
    const unknown = h.cancel({ account: "mallory", orderId: 999_999 });
    expect(foreign[0]).toMatchObject({ rejectReason: RejectReason.UNKNOWN_ORDER, text: unknown[0].text });
    expect(h.cancel({ account: "mallory", clientOrderId: "c1" })[0].rejectReason).toBe(
      RejectReason.UNKNOWN_ORDER,
    );
    expect(h.cancel({ account: "alice", orderId: id, symbol: "MSFT" })[0].rejectReason).toBe(
      RejectReason.UNKNOWN_ORDER,
    );
    expect(h.engine.openOrderCount()).toBe(1);
    const ok = h.cancel({ account: "alice", clientOrderId: "c1" });
    expect(ok[0]).toMatchObject({
      orderId: id,
      execType: ExecType.EXEC_CANCELED,
      status: OrderStatus.CANCELLED,
    });
    expect(h.cancel({ account: "alice", orderId: id })[0].rejectReason).toBe(RejectReason.UNKNOWN_ORDER);
  });

  it("client order ids are unique per account among live orders", () => {
    const h = harness();
    h.submit({ account: "a", clientOrderId: "x", price: REF - 1 });
    expect(h.submit({ account: "a", clientOrderId: "x" })[0].rejectReason).toBe(
      RejectReason.DUPLICATE_CLIENT_ORDER_ID,
    );
    expect(h.submit({ account: "b", clientOrderId: "x", price: REF - 1 })[0].execType).toBe(
      ExecType.EXEC_NEW,
    );
    h.cancel({ account: "a", clientOrderId: "x" });
    expect(h.submit({ account: "a", clientOrderId: "x", price: REF - 1 })[0].execType).toBe(
      ExecType.EXEC_NEW,
    );
  });
});

describe("market data", () => {
  it("reports trades and at most one book change per command, and keeps symbols apart", () => {
    const tradesSeen: [string, number, number, Side][] = [];
    const changes: string[] = [];
    const h = harness(
      {},
      {
        onTrade: (sym, _id, price, qty, aggressor) => tradesSeen.push([sym, price, qty, aggressor]),
        onBookChanged: (sym) => changes.push(sym),
      },
    );
    h.submit({ account: "m", side: Side.SELL, price: REF, quantity: 2 });
    h.submit({ account: "m", side: Side.SELL, price: REF + 1, quantity: 2 });
    expect(changes).toEqual(["AAPL", "AAPL"]);
    h.submit({ account: "t", side: Side.BUY, price: REF + 1, quantity: 3 });
    expect(changes).toHaveLength(3);
    expect(tradesSeen).toEqual([
      ["AAPL", REF, 2, Side.BUY],
      ["AAPL", REF + 1, 1, Side.BUY],
    ]);
    h.submit({ symbol: "MSFT", account: "m", side: Side.BUY, price: 42_000, quantity: 1 });
    expect(changes.at(-1)).toBe("MSFT");
    h.submit({ price: REF + 5000 }); // rejected: no book change
    expect(changes).toHaveLength(4);
    const snap = h.engine.snapshot("MSFT", 0);
    expect(snap).toMatchObject({ bestBid: 42_000, bestAsk: 0, volume: 0, referencePrice: 42_000 });
    expect(h.engine.snapshot("AAPL", 10)).toMatchObject({ lastPrice: REF + 1, lastQuantity: 1, volume: 3 });
    expect(h.engine.snapshot("NOPE", 10)).toBeUndefined();
  });

  it("the snapshot's mid is bid+ask and depth limits the levels", () => {
    const h = harness();
    for (let i = 1; i <= 5; i++) {
      h.submit({ account: "m", side: Side.SELL, price: REF + i, quantity: i });
      h.submit({ account: "m", side: Side.BUY, price: REF - i, quantity: i });
    }
    const s = h.engine.snapshot("AAPL", 3);
    expect(s?.bids.map((l) => l.price)).toEqual([REF - 1, REF - 2, REF - 3]);
    expect(s?.asks.map((l) => l.price)).toEqual([REF + 1, REF + 2, REF + 3]);
    expect(s?.midPriceX2).toBe(2 * REF);
  });
});
