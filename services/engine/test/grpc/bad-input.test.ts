// Bad input at the gRPC edge: every case gets INVALID_ARGUMENT (with a reject-reason) or an EXEC_REJECTED
// report with a reason, and the server keeps serving afterwards.
import { status } from "@grpc/grpc-js";
import { ExecType, type NewOrder, type OrderRequest, RejectReason, Side } from "@hft/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BatchStream,
  type InProcess,
  limit,
  rejectReasonOf,
  startInProcess,
  testConfig,
  unary,
  unaryError,
} from "./helpers.js";

const MAX_BATCH = 100;
let srv: InProcess;

beforeAll(async () => {
  srv = await startInProcess(testConfig({ lp: false, maxBatch: MAX_BATCH }));
});
afterAll(async () => {
  await srv?.close();
});

const c = () => srv.client;

const nativeCases: [string, Partial<NewOrder>, string][] = [
  ["unknown symbol", { symbol: "NOPE" }, "UNKNOWN_SYMBOL"],
  ["zero quantity", { quantity: 0 }, "INVALID_QUANTITY"],
  ["negative quantity", { quantity: -5 }, "INVALID_QUANTITY"],
  ["zero limit price", { price: 0 }, "INVALID_PRICE"],
  ["negative limit price", { price: -19_000 }, "INVALID_PRICE"],
  ["missing side", { side: Side.SIDE_UNSPECIFIED }, "INVALID_SIDE"],
  ["missing account", { account: "" }, "INVALID_ACCOUNT"],
  ["display quantity above quantity", { quantity: 5, displayQuantity: 6 }, "INVALID_DISPLAY_QUANTITY"],
];

describe("PlaceOrder validation rejects -> INVALID_ARGUMENT", () => {
  it.each(nativeCases)("%s", async (_name, over, reason) => {
    const err = await unaryError(c(), "placeOrder", limit(over));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(err)).toBe(reason);
    expect(err.details).toContain(reason);
  });
});

const compat = (over: Partial<OrderRequest>): OrderRequest => ({
  orderId: "c-1",
  userId: "legacy",
  symbol: "AAPL",
  side: "BUY",
  orderType: "LIMIT",
  price: 189.5,
  stopPrice: 0,
  trailingAmount: 0,
  quantity: 1,
  timestamp: 0,
  ...over,
});

const compatCases: [string, Partial<OrderRequest>, string][] = [
  ["unknown symbol", { symbol: "NOPE" }, "UNKNOWN_SYMBOL"],
  ["zero quantity", { quantity: 0 }, "INVALID_QUANTITY"],
  ["negative quantity", { quantity: -1 }, "INVALID_QUANTITY"],
  ["non-integer quantity (lot 1)", { quantity: 2.5 }, "QUANTITY_OFF_LOT"],
  ["NaN quantity", { quantity: Number.NaN }, "INVALID_QUANTITY"],
  ["price off tick", { price: 189.505 }, "PRICE_OFF_TICK"],
  ["negative price", { price: -1 }, "INVALID_PRICE"],
  ["bad side", { side: "HOLD" }, "INVALID_SIDE"],
  ["bad order type", { orderType: "PEGGED" }, "INVALID_ORDER_TYPE"],
  ["stop without stop price", { orderType: "STOP_LOSS", price: 0 }, "INVALID_STOP_PRICE"],
  ["missing user", { userId: "" }, "INVALID_ACCOUNT"],
];

describe("SubmitOrder (decimal compatibility path) -> INVALID_ARGUMENT", () => {
  it.each(compatCases)("%s", async (_name, over, reason) => {
    const err = await unaryError(c(), "submitOrder", compat(over));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(err)).toBe(reason);
  });
});

describe("business rejects -> EXEC_REJECTED report with a reason", () => {
  it("cancel of an unknown order id", async () => {
    const res = await unary(c(), "cancelOrder", {
      requestId: 5,
      account: "alice",
      symbol: "AAPL",
      orderId: 987_654_321,
      clientOrderId: "",
    });
    expect(res.reports).toHaveLength(1);
    expect(res.reports[0]).toMatchObject({
      execType: ExecType.EXEC_REJECTED,
      rejectReason: RejectReason.UNKNOWN_ORDER,
      requestId: 5,
    });
  });

  it("modify of an unknown order id", async () => {
    const res = await unary(c(), "modifyOrder", {
      requestId: 6,
      account: "alice",
      symbol: "AAPL",
      orderId: 987_654_321,
      clientOrderId: "",
      newPrice: 0,
      newQuantity: 3,
    });
    expect(res.reports[0]).toMatchObject({
      execType: ExecType.EXEC_REJECTED,
      rejectReason: RejectReason.UNKNOWN_ORDER,
    });
  });

  it("price outside the band and quantity above the maximum", async () => {
    const band = await unary(c(), "placeOrder", limit({ price: 30_000 }));
    expect(band.reports[0].rejectReason).toBe(RejectReason.PRICE_BAND);
    const qty = await unary(c(), "placeOrder", limit({ quantity: 100_001 }));
    expect(qty.reports[0].rejectReason).toBe(RejectReason.MAX_ORDER_QUANTITY);
  });

  it("GetOrderBook of an unknown symbol and SetReferencePrices with a non-positive price", async () => {
    const book = await unaryError(c(), "getOrderBook", { symbol: "NOPE", depth: 5 });
    expect(book.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(book)).toBe("UNKNOWN_SYMBOL");
    const depth = await unaryError(c(), "getOrderBook", { symbol: "AAPL", depth: 100_000 });
    expect(depth.code).toBe(status.INVALID_ARGUMENT);
    const ref = await unaryError(c(), "setReferencePrices", { prices: [{ symbol: "AAPL", price: -3 }] });
    expect(ref.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(ref)).toBe("INVALID_PRICE");
    const open = await unaryError(c(), "getOpenOrders", { account: "", symbol: "NOPE" });
    expect(open.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("OrderStream bad input", () => {
  it("a bad command is rejected in its batch without failing the others", async () => {
    const s = new BatchStream(c());
    try {
      const res = await s.send({
        batchId: 1,
        commands: [
          { command: { $case: "newOrder", value: limit({ requestId: 1, price: 18_000 }) } },
          { command: { $case: "newOrder", value: limit({ requestId: 2, symbol: "NOPE" }) } },
          { command: { $case: "newOrder", value: limit({ requestId: 3, quantity: 0 }) } },
          {
            command: {
              $case: "cancel",
              value: {
                requestId: 4,
                account: "alice",
                symbol: "AAPL",
                orderId: 42_424_242,
                clientOrderId: "",
              },
            },
          },
          { command: undefined },
          { command: { $case: "newOrder", value: limit({ requestId: 5, price: 18_001 }) } },
        ],
      });
      const byReq = new Map(res.reports.map((r) => [r.requestId, r]));
      expect(byReq.get(1)?.execType).toBe(ExecType.EXEC_NEW);
      expect(byReq.get(2)?.rejectReason).toBe(RejectReason.UNKNOWN_SYMBOL);
      expect(byReq.get(3)?.rejectReason).toBe(RejectReason.INVALID_QUANTITY);
      expect(byReq.get(4)?.rejectReason).toBe(RejectReason.UNKNOWN_ORDER);
      expect(res.reports.find((r) => r.requestId === 0)?.rejectReason).toBe(RejectReason.INVALID_ORDER_TYPE);
      expect(byReq.get(5)?.execType).toBe(ExecType.EXEC_NEW);
    } finally {
      s.end();
      await s.closed;
    }
  });

  it("an oversized batch executes nothing, gets BATCH_TOO_LARGE, and the stream stays usable", async () => {
    const s = new BatchStream(c());
    try {
      const before = await unary(c(), "getStats", {});
      const big = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({
        command: {
          $case: "newOrder" as const,
          value: limit({ account: "big", requestId: i + 1, price: 17_500 }),
        },
      }));
      const res = await s.send({ batchId: 7, commands: big });
      expect(res.batchId).toBe(7);
      expect(res.reports).toHaveLength(1);
      expect(res.reports[0]).toMatchObject({
        execType: ExecType.EXEC_REJECTED,
        rejectReason: RejectReason.BATCH_TOO_LARGE,
        requestId: 0,
      });
      const after = await unary(c(), "getStats", {});
      expect(after.ordersReceived).toBe(before.ordersReceived);
      const open = await unary(c(), "getOpenOrders", { account: "big", symbol: "" });
      expect(open.reports).toHaveLength(0);
      // same stream, a batch of exactly the maximum executes
      const ok = await s.send({ batchId: 8, commands: big.slice(0, MAX_BATCH) });
      expect(ok.reports).toHaveLength(MAX_BATCH);
      expect(ok.reports.every((r) => r.execType === ExecType.EXEC_NEW)).toBe(true);
    } finally {
      s.end();
      await s.closed;
    }
  });
});

describe("after all of that", () => {
  it("the server still serves", async () => {
    const h = await unary(c(), "healthCheck", {});
    expect(h.status).toBe("SERVING");
    const res = await unary(c(), "placeOrder", limit({ account: "survivor", price: 18_100 }));
    expect(res.reports[0].execType).toBe(ExecType.EXEC_NEW);
  });
});
