// Every RPC of trading.pb.TradingEngine, grpc.health.v1.Health and server reflection, over real loopback gRPC
// against an in-process engine (liquidity provider off, so books hold only what the tests put there).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { credentials, type GrpcObject, loadPackageDefinition, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import {
  ExecType,
  type MarketDataEvent,
  OrderStatus,
  OrderType,
  RejectReason,
  type ReportBatch,
  Side,
  TimeInForce,
} from "@hft/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BatchStream,
  Collector,
  type InProcess,
  limit,
  rejectReasonOf,
  reportsOf,
  startInProcess,
  testConfig,
  unary,
  unaryError,
} from "./helpers.js";

let srv: InProcess;

beforeAll(async () => {
  srv = await startInProcess(testConfig({ lp: false }));
});
afterAll(async () => {
  await srv?.close();
});

const c = () => srv.client;

describe("compatibility path", () => {
  it("HealthCheck answers SERVING with version and uptime", async () => {
    const res = await unary(c(), "healthCheck", {});
    expect(res.healthy).toBe(true);
    expect(res.status).toBe("SERVING");
    expect(res.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(res.startTimeUnixMs).toBeGreaterThan(1_600_000_000_000);
    expect(Math.abs(res.timestampMs - Date.now())).toBeLessThan(60_000);
  });

  it("SubmitOrder converts decimal price/quantity to ticks/lots and fills against the book", async () => {
    // a resting sell at 190.05 (19005 ticks), then the original client's decimal BUY LIMIT crosses it
    await unary(c(), "placeOrder", limit({ account: "maker1", side: Side.SELL, price: 19_005, quantity: 3 }));
    const res = await unary(c(), "submitOrder", {
      orderId: "legacy-1",
      userId: "legacy-user",
      symbol: "AAPL",
      side: "buy",
      orderType: "LIMIT",
      price: 190.05,
      stopPrice: 0,
      trailingAmount: 0,
      quantity: 3,
      timestamp: Date.now(),
    });
    expect(res.success).toBe(true);
    expect(res.status).toBe("FILLED");
    expect(res.filledQuantity).toBe(3);
    expect(res.averagePrice).toBe(190.05);
    const taker = res.reports.filter((r) => r.account === "legacy-user");
    expect(taker[0].price).toBe(19_005);
    expect(taker[0].quantity).toBe(3);
    expect(taker[0].clientOrderId).toBe("legacy-1");
    expect(reportsOf(taker, ExecType.EXEC_TRADE)[0].lastPrice).toBe(19_005);
    expect(res.orderId).toBe(String(taker[0].orderId));
  });

  it("SubmitOrder rejects an off-tick decimal price with INVALID_ARGUMENT PRICE_OFF_TICK", async () => {
    const err = await unaryError(c(), "submitOrder", {
      orderId: "legacy-2",
      userId: "legacy-user",
      symbol: "AAPL",
      side: "BUY",
      orderType: "LIMIT",
      price: 190.001,
      stopPrice: 0,
      trailingAmount: 0,
      quantity: 1,
      timestamp: 0,
    });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(err)).toBe("PRICE_OFF_TICK");
    expect(err.details).toContain("0.01");
  });

  it("SubmitOrder rejects a fractional quantity on a whole-lot symbol with QUANTITY_OFF_LOT", async () => {
    const err = await unaryError(c(), "submitOrder", {
      orderId: "legacy-3",
      userId: "legacy-user",
      symbol: "AAPL",
      side: "SELL",
      orderType: "MARKET",
      price: 0,
      stopPrice: 0,
      trailingAmount: 0,
      quantity: 1.5,
      timestamp: 0,
    });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(rejectReasonOf(err)).toBe("QUANTITY_OFF_LOT");
  });
});

describe("native order entry", () => {
  it("PlaceOrder rests a limit order, GetOpenOrders lists it, ModifyOrder amends it, CancelOrder removes it", async () => {
    const placed = await unary(
      c(),
      "placeOrder",
      limit({ account: "bob", clientOrderId: "b-1", requestId: 7 }),
    );
    expect(placed.batchId).toBe(0);
    expect(placed.reports).toHaveLength(1);
    const ack = placed.reports[0];
    expect(ack.execType).toBe(ExecType.EXEC_NEW);
    expect(ack.status).toBe(OrderStatus.NEW);
    expect(ack.requestId).toBe(7);
    expect(ack.orderId).toBeGreaterThan(0);
    expect(ack.seq).toBeGreaterThan(0);

    const open = await unary(c(), "getOpenOrders", { account: "bob", symbol: "" });
    expect(open.reports.map((r) => r.orderId)).toEqual([ack.orderId]);
    expect(open.reports[0].leavesQuantity).toBe(10);

    const mod = await unary(c(), "modifyOrder", {
      requestId: 8,
      account: "bob",
      symbol: "AAPL",
      orderId: ack.orderId,
      clientOrderId: "",
      newPrice: 0,
      newQuantity: 4,
    });
    expect(mod.reports[0].execType).toBe(ExecType.EXEC_REPLACED);
    expect(mod.reports[0].quantity).toBe(4);
    expect(mod.reports[0].seq).toBeGreaterThan(ack.seq);

    // cancel by client order id
    const cxl = await unary(c(), "cancelOrder", {
      requestId: 9,
      account: "bob",
      symbol: "AAPL",
      orderId: 0,
      clientOrderId: "b-1",
    });
    expect(cxl.reports[0].execType).toBe(ExecType.EXEC_CANCELED);
    expect(cxl.reports[0].orderId).toBe(ack.orderId);
    const after = await unary(c(), "getOpenOrders", { account: "bob", symbol: "AAPL" });
    expect(after.reports).toHaveLength(0);
  });

  it("another account cannot cancel an order: UNKNOWN_ORDER, the order stays", async () => {
    const placed = await unary(c(), "placeOrder", limit({ account: "carol", price: 18_800 }));
    const id = placed.reports[0].orderId;
    const cxl = await unary(c(), "cancelOrder", {
      requestId: 1,
      account: "mallory",
      symbol: "AAPL",
      orderId: id,
      clientOrderId: "",
    });
    expect(cxl.reports[0].execType).toBe(ExecType.EXEC_REJECTED);
    expect(cxl.reports[0].rejectReason).toBe(RejectReason.UNKNOWN_ORDER);
    const open = await unary(c(), "getOpenOrders", { account: "carol", symbol: "" });
    expect(open.reports.map((r) => r.orderId)).toContain(id);
  });
});

describe("OrderStream", () => {
  it("answers each batch with one ReportBatch, same batch_id, reports in execution order", async () => {
    const s = new BatchStream(c());
    try {
      const cmds = Array.from({ length: 50 }, (_, i) => ({
        command: {
          $case: "newOrder" as const,
          value: limit({
            account: "dave",
            requestId: 1000 + i,
            side: Side.SELL,
            price: 19_500 + i,
            quantity: 2,
          }),
        },
      }));
      const [b1, b2] = await Promise.all([
        s.send({ batchId: 11, commands: cmds.slice(0, 25) }),
        s.send({ batchId: 12, commands: cmds.slice(25) }),
      ]);
      expect(b1.batchId).toBe(11);
      expect(b2.batchId).toBe(12);
      const all = [...b1.reports, ...b2.reports];
      expect(all.map((r) => r.requestId)).toEqual(cmds.map((_, i) => 1000 + i));
      expect(all.every((r) => r.execType === ExecType.EXEC_NEW)).toBe(true);
      for (let i = 1; i < all.length; i++) expect(all[i].seq).toBeGreaterThan(all[i - 1].seq);

      // a marketable buy sweeping three of them, a cancel and a modify, in one batch
      const ids = b1.reports.map((r) => r.orderId);
      const mixed = await s.send({
        batchId: 13,
        commands: [
          {
            command: {
              $case: "newOrder",
              value: limit({
                account: "erin",
                requestId: 1,
                price: 19_502,
                quantity: 6,
                timeInForce: TimeInForce.IOC,
              }),
            },
          },
          {
            command: {
              $case: "cancel",
              value: { requestId: 2, account: "dave", symbol: "AAPL", orderId: ids[10], clientOrderId: "" },
            },
          },
          {
            command: {
              $case: "modify",
              value: {
                requestId: 3,
                account: "dave",
                symbol: "AAPL",
                orderId: ids[11],
                clientOrderId: "",
                newPrice: 0,
                newQuantity: 1,
              },
            },
          },
        ],
      });
      const trades = reportsOf(mixed.reports, ExecType.EXEC_TRADE);
      expect(trades.filter((r) => r.account === "erin").map((r) => r.lastPrice)).toEqual([
        19_500, 19_501, 19_502,
      ]);
      expect(trades.filter((r) => r.account === "dave" && r.isMaker)).toHaveLength(3);
      expect(mixed.reports.find((r) => r.requestId === 2)?.execType).toBe(ExecType.EXEC_CANCELED);
      expect(mixed.reports.find((r) => r.requestId === 3)?.execType).toBe(ExecType.EXEC_REPLACED);
      // the command order is kept: erin's reports, then the cancel, then the modify
      const iTaker = mixed.reports.findIndex((r) => r.account === "erin");
      const iCancel = mixed.reports.findIndex(
        (r) => r.execType === ExecType.EXEC_CANCELED && r.orderId === ids[10],
      );
      const iModify = mixed.reports.findIndex((r) => r.execType === ExecType.EXEC_REPLACED);
      expect(iTaker).toBe(0);
      expect(iTaker).toBeLessThan(iCancel);
      expect(iCancel).toBeLessThan(iModify);
    } finally {
      s.end();
      await s.closed;
    }
  });

  it("an empty batch gets an empty ReportBatch", async () => {
    const s = new BatchStream(c());
    const b = await s.send({ batchId: 99, commands: [] });
    expect(b).toEqual<ReportBatch>({ batchId: 99, reports: [] });
    s.end();
    await s.closed;
  });
});

describe("queries", () => {
  it("GetSymbols lists the configured symbols with tick/lot sizes and limits", async () => {
    const res = await unary(c(), "getSymbols", {});
    expect(res.symbols.map((s) => s.symbol)).toEqual(["AAPL", "MSFT"]);
    expect(res.symbols[0]).toMatchObject({
      tickSize: "0.01",
      lotSize: "1",
      referencePrice: 19_000,
      priceBandBps: 1000,
      maxOrderQuantity: 100_000,
      maxOrderNotional: 500_000_000,
    });
  });

  it("GetOrderBook returns L2 levels, best bid/ask and mid x2", async () => {
    await unary(
      c(),
      "placeOrder",
      limit({ account: "book", symbol: "MSFT", side: Side.BUY, price: 41_990, quantity: 3 }),
    );
    await unary(
      c(),
      "placeOrder",
      limit({ account: "book2", symbol: "MSFT", side: Side.BUY, price: 41_990, quantity: 2 }),
    );
    await unary(
      c(),
      "placeOrder",
      limit({ account: "book", symbol: "MSFT", side: Side.SELL, price: 42_010, quantity: 7 }),
    );
    const snap = await unary(c(), "getOrderBook", { symbol: "MSFT", depth: 5 });
    expect(snap.symbol).toBe("MSFT");
    expect(snap.bids[0]).toEqual({ price: 41_990, quantity: 5, orderCount: 2 });
    expect(snap.asks[0]).toEqual({ price: 42_010, quantity: 7, orderCount: 1 });
    expect(snap.bestBid).toBe(41_990);
    expect(snap.bestAsk).toBe(42_010);
    expect(snap.midPriceX2).toBe(41_990 + 42_010);
    expect(snap.referencePrice).toBe(42_000);
  });

  it("GetStats counts orders, rejects by reason and latency histograms", async () => {
    await unaryError(c(), "placeOrder", limit({ symbol: "NOPE" }));
    const st = await unary(c(), "getStats", {});
    expect(st.ordersReceived).toBeGreaterThan(0);
    expect(st.ordersAccepted).toBeGreaterThan(0);
    expect(st.rejectsByReason.UNKNOWN_SYMBOL).toBeGreaterThanOrEqual(1);
    expect(st.trades).toBeGreaterThan(0);
    expect(st.batches).toBeGreaterThan(0);
    const cmd = st.latencies.find((h) => h.name === "command_latency");
    expect(cmd?.count).toBeGreaterThan(0);
    expect(cmd?.p99Seconds).toBeGreaterThan(0);
    expect(cmd?.bucketCounts.length).toBe(cmd?.bucketUpperBoundsSeconds.length);
    expect(st.startTimeUnixMs).toBeGreaterThan(1_600_000_000_000);
  });

  it("SetReferencePrices moves the price band", async () => {
    // 10% band around 190.00: 215.00 is outside
    const before = await unary(c(), "placeOrder", limit({ account: "ref", side: Side.SELL, price: 21_500 }));
    expect(before.reports[0].rejectReason).toBe(RejectReason.PRICE_BAND);
    const ack = await unary(c(), "setReferencePrices", { prices: [{ symbol: "AAPL", price: 21_000 }] });
    expect(ack.updated).toBe(1);
    const syms = await unary(c(), "getSymbols", {});
    expect(syms.symbols.find((s) => s.symbol === "AAPL")?.referencePrice).toBe(21_000);
    const after = await unary(c(), "placeOrder", limit({ account: "ref", side: Side.SELL, price: 21_500 }));
    expect(after.reports[0].execType).toBe(ExecType.EXEC_NEW);
    await unary(c(), "cancelOrder", {
      requestId: 0,
      account: "ref",
      symbol: "AAPL",
      orderId: after.reports[0].orderId,
      clientOrderId: "",
    });
    await unary(c(), "setReferencePrices", { prices: [{ symbol: "AAPL", price: 19_000 }] });
    const err = await unaryError(c(), "setReferencePrices", { prices: [{ symbol: "ZZZ", price: 1 }] });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("streams", () => {
  it("SubscribeMarketData: snapshot first, then trades and book updates with +1 sequence numbers", async () => {
    const sub = new Collector<MarketDataEvent>(c().subscribeMarketData({ symbols: ["MSFT"], depth: 3 }));
    try {
      const [first] = await sub.waitFor((it) => it.length >= 1);
      expect(first.symbol).toBe("MSFT");
      expect(first.event?.$case).toBe("snapshot");
      const seq0 = first.seq;
      // a trade on MSFT: a resting ask then a buy crossing it
      await unary(
        c(),
        "placeOrder",
        limit({ account: "md1", symbol: "MSFT", side: Side.SELL, price: 42_005, quantity: 4 }),
      );
      await unary(
        c(),
        "placeOrder",
        limit({ account: "md2", symbol: "MSFT", side: Side.BUY, price: 42_005, quantity: 4 }),
      );
      const items = await sub.waitFor((it) => it.some((e) => e.event?.$case === "trade") && it.length >= 4);
      const seqs = items.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seq0 + i)); // no gaps
      const trade = items.find((e) => e.event?.$case === "trade");
      expect(trade?.event?.$case === "trade" && trade.event.value).toMatchObject({
        price: 42_005,
        quantity: 4,
        aggressorSide: Side.BUY,
      });
      const book = items.filter((e) => e.event?.$case === "book");
      expect(book.length).toBeGreaterThanOrEqual(2);
      // AAPL events do not reach an MSFT-only subscriber
      await unary(c(), "placeOrder", limit({ account: "md3", symbol: "AAPL", price: 18_000 }));
      await new Promise((r) => setTimeout(r, 100));
      expect(sub.items.every((e) => e.symbol === "MSFT")).toBe(true);
    } finally {
      sub.cancel();
    }
  });

  it("SubscribeMarketData with an unknown symbol fails INVALID_ARGUMENT", async () => {
    const sub = new Collector<MarketDataEvent>(c().subscribeMarketData({ symbols: ["NOPE"], depth: 0 }));
    await sub.waitFor(() => false, 5000).catch(() => undefined);
    expect(sub.error?.code).toBe(status.INVALID_ARGUMENT);
  });

  it("SubscribeExecutions: drop copy of GTD expiries", async () => {
    const sub = new Collector<ReportBatch>(c().subscribeExecutions({ account: "gtd" }));
    try {
      await new Promise((r) => setTimeout(r, 50)); // let the subscription register
      const placed = await unary(
        c(),
        "placeOrder",
        limit({
          account: "gtd",
          timeInForce: TimeInForce.GTD,
          expireTimeMs: Date.now() + 300,
          price: 18_700,
        }),
      );
      expect(placed.reports[0].execType).toBe(ExecType.EXEC_NEW);
      const batches = await sub.waitFor((it) => it.length >= 1, 5000);
      const expired = batches.flatMap((b) => b.reports).find((r) => r.execType === ExecType.EXEC_EXPIRED);
      expect(expired?.orderId).toBe(placed.reports[0].orderId);
      expect(batches.flatMap((b) => b.reports).every((r) => r.account === "gtd")).toBe(true);
    } finally {
      sub.cancel();
    }
  });
});

describe("grpc.health.v1 and reflection", () => {
  const require = createRequire(import.meta.url);
  const load = (file: string): GrpcObject =>
    loadPackageDefinition(loadSync(file, { keepCase: true, longs: String, enums: String, defaults: true }));

  it("grpc.health.v1.Health/Check: overall and per service SERVING, unknown service NOT_FOUND", async () => {
    const healthProto = (require("grpc-health-check") as { protoPath: string }).protoPath;
    const pkg = load(healthProto) as unknown as {
      grpc: {
        health: {
          v1: {
            Health: new (addr: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient;
          };
        };
      };
    };
    interface HealthClient {
      check(
        req: { service: string },
        cb: (err: { code: number } | null, res: { status: string }) => void,
      ): void;
      close(): void;
    }
    const h = new pkg.grpc.health.v1.Health(srv.address, credentials.createInsecure());
    const check = (service: string) =>
      new Promise<{ code: number } | { status: string }>((resolve) =>
        h.check({ service }, (err, res) => resolve(err ?? res)),
      );
    expect(await check("")).toEqual({ status: "SERVING" });
    expect(await check("trading.pb.TradingEngine")).toEqual({ status: "SERVING" });
    expect(await check("nope")).toMatchObject({ code: status.NOT_FOUND });
    h.close();
  });

  it("server reflection lists the services and serves descriptors protoc-style (map entries)", async () => {
    const reflectionProto = join(
      dirname(require.resolve("@grpc/reflection/package.json")),
      "build/proto/grpc/reflection/v1/reflection.proto",
    );
    const pkg = load(reflectionProto) as unknown as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (
              addr: string,
              creds: ReturnType<typeof credentials.createInsecure>,
            ) => ReflClient;
          };
        };
      };
    };
    interface ReflStream {
      write(m: object): void;
      end(): void;
      on(ev: "data", cb: (m: ReflResponse) => void): void;
      on(ev: "error", cb: (e: Error) => void): void;
    }
    interface ReflResponse {
      list_services_response?: { service: { name: string }[] };
      file_descriptor_response?: { file_descriptor_proto: Buffer[] };
    }
    interface ReflClient {
      ServerReflectionInfo(): ReflStream;
      close(): void;
    }
    const r = new pkg.grpc.reflection.v1.ServerReflection(srv.address, credentials.createInsecure());
    const ask = (req: object) =>
      new Promise<ReflResponse>((resolve, reject) => {
        const call = r.ServerReflectionInfo();
        call.on("data", (m) => {
          resolve(m);
          call.end();
        });
        call.on("error", reject);
        call.write(req);
      });
    const list = await ask({ list_services: "" });
    const names = list.list_services_response?.service.map((s) => s.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(["trading.pb.TradingEngine", "grpc.health.v1.Health"]));
    // the descriptor grpcurl gets for the health service must name its map entry "StatusesEntry"
    const files = await ask({ file_containing_symbol: "grpc.health.v1.Health" });
    const bytes = Buffer.concat(files.file_descriptor_response?.file_descriptor_proto ?? []);
    expect(bytes.includes(Buffer.from("StatusesEntry"))).toBe(true);
    const trading = await ask({ file_containing_symbol: "trading.pb.TradingEngine" });
    const tbytes = Buffer.concat(trading.file_descriptor_response?.file_descriptor_proto ?? []);
    expect(tbytes.includes(Buffer.from("RejectsByReasonEntry"))).toBe(true);
    r.close();
  });
});

describe("liquidity provider", () => {
  it("quotes both sides around the reference price, so a market order on an idle book fills", async () => {
    const lp = await startInProcess(testConfig({ lp: true }));
    try {
      const cl = lp.client;
      const snap = await unary(cl, "getOrderBook", { symbol: "AAPL", depth: 10 });
      expect(snap.bids.length).toBe(3);
      expect(snap.asks.length).toBe(3);
      expect(snap.bestBid).toBeLessThan(19_000);
      expect(snap.bestAsk).toBeGreaterThan(19_000);
      const res = await unary(
        cl,
        "placeOrder",
        limit({ orderType: OrderType.MARKET, timeInForce: TimeInForce.IOC, price: 0, quantity: 20 }),
      );
      const fills = reportsOf(res.reports, ExecType.EXEC_TRADE).filter((r) => r.account === "alice");
      expect(fills.reduce((a, r) => a + r.lastQuantity, 0)).toBe(20);
      expect(fills[0].lastPrice).toBe(snap.bestAsk);
      // the provider re-quotes what was hit
      const after = await unary(cl, "getOrderBook", { symbol: "AAPL", depth: 10 });
      expect(after.asks[0]).toEqual(snap.asks[0]);
    } finally {
      await lp.close();
    }
  });

  it("is off when ENGINE_LIQUIDITY_PROVIDER=false", async () => {
    const off = await startInProcess(testConfig({ lp: true }, { ENGINE_LIQUIDITY_PROVIDER: "false" }));
    try {
      const snap = await unary(off.client, "getOrderBook", { symbol: "AAPL", depth: 10 });
      expect(snap.bids).toEqual([]);
      expect(snap.asks).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
