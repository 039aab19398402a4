// End to end: real PostgreSQL server, the engine process and the backend process (both via @hft/devstack),
// talking gRPC and HTTP over loopback. Covers the acceptance list of the backend issue, including a hard
// restart of the backend (SIGKILL) that must lose no acknowledged order and come back in step with the engine.
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  applyMigrations,
  engineHealthCheck,
  type RunningService,
  type StartedPostgres,
  startBackend,
  startEngine,
  startPostgres,
} from "@hft/devstack";
import { type ExecutionReport, TradingEngineClient } from "@hft/proto";
import { fromUnits, toUnits } from "@hft/shared";
import type {
  ListOrdersResponse,
  OrderDetailResponse,
  OrderResponse,
  PortfolioResponse,
  SymbolsResponse,
} from "@hft/shared/api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SeededUser, seedUser } from "../../services/backend/src/db/seed.js";
import { client, waitUntil } from "../../services/backend/test/support/stack.js";

type Err = { error: { code: string; message: string } };
type Api = ReturnType<typeof client>;

let db: StartedPostgres;
let engine: RunningService;
let backend: RunningService;
let sql: pg.Pool;
let alice: SeededUser;
let bob: SeededUser;
let limited: SeededUser;
let A: Api;
let B: Api;

const AUTH_SECRET = "e2e-secret-0123456789abcdef";

function launchBackend(): Promise<RunningService> {
  return startBackend({
    databaseUrl: db.url,
    engineAddr: engine.address,
    authSecret: AUTH_SECRET,
    logLevel: "warn",
    env: { PRICE_INTERVAL_MS: "250" },
  });
}

beforeAll(async () => {
  db = await startPostgres();
  await applyMigrations(db.url);
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const c = await sql.connect();
  try {
    alice = await seedUser(c, { username: "alice", password: "alice-password" });
    bob = await seedUser(c, { username: "bob", password: "bob-password" });
    limited = await seedUser(c, {
      username: "limited",
      password: "limited-password",
      limits: { maxPositionQuantity: "10", maxOrderQuantity: "100", maxOrderNotional: "100000" },
    });
  } finally {
    c.release();
  }
  engine = await startEngine({ logLevel: "warn" });
  backend = await launchBackend();
  A = client(backend.address, alice.apiKey);
  B = client(backend.address, bob.apiKey);
});

afterAll(async () => {
  await backend?.stop();
  await engine?.stop();
  await sql?.end().catch(() => undefined);
  await db?.stop();
});

async function marketPrice(symbol: string): Promise<number> {
  const r = await A<SymbolsResponse>("GET", "/api/v1/symbols");
  const s = r.body.symbols.find((x) => x.symbol === symbol);
  if (!s?.marketPrice) throw new Error(`no market price for ${symbol}`);
  return toUnits(s.marketPrice, s.tickSize);
}

async function restingBuy(api: Api, symbol = "AAPL", quantity = "5", clientOrderId?: string) {
  const px = Math.round((await marketPrice(symbol)) * 0.95);
  const r = await api<OrderResponse>("POST", "/api/v1/orders", {
    symbol,
    side: "BUY",
    type: "LIMIT",
    price: fromUnits(px, "0.01"),
    quantity,
    ...(clientOrderId ? { clientOrderId } : {}),
  });
  return r;
}

function engineOpenOrders(account: string): Promise<ExecutionReport[]> {
  const c = new TradingEngineClient(engine.address, credentials.createInsecure());
  return new Promise<ExecutionReport[]>((resolve, reject) => {
    c.getOpenOrders({ account, symbol: "" }, new Metadata(), { deadline: Date.now() + 5000 }, (err, res) =>
      err ? reject(err) : resolve(res.reports),
    );
  }).finally(() => c.close());
}

describe("platform end to end", () => {
  it("the engine answers its gRPC HealthCheck", async () => {
    const h = await engineHealthCheck(engine.address);
    expect(h.healthy).toBe(true);
    expect(h.status).toBe("SERVING");
  });

  it("GET /health is OK with engine, database and feed up", async () => {
    await waitUntil(async () => (await A("GET", "/health")).status === 200, "health 200");
    const r = await A<{ status: string; checks: Record<string, { status: string }> }>("GET", "/health");
    expect(r.body.status).toBe("ok");
    expect(r.body.checks.engine.status).toBe("ok");
    expect(r.body.checks.database.status).toBe("ok");
    expect(r.body.checks.feed.status).toBe("ok");
  });

  it("a market order executes at the market price with a fill confirmation", async () => {
    const mark = await marketPrice("MSFT");
    const r = await A<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "MSFT",
      side: "BUY",
      type: "MARKET",
      quantity: "4",
    });
    expect(r.status).toBe(201);
    expect(r.body.order.status).toBe("FILLED");
    expect(r.body.fills.reduce((s, f) => s + Number(f.quantity), 0)).toBe(4);
    for (const f of r.body.fills) expect(Math.abs(toUnits(f.price, "0.01") - mark) / mark).toBeLessThan(0.01);
  });

  it("a limit order 5% below the market is accepted and rests unfilled; cancel sets CANCELLED", async () => {
    const r = await restingBuy(A);
    expect(r.status).toBe(201);
    expect(r.body.order).toMatchObject({ status: "NEW", filledQuantity: "0", leavesQuantity: "5" });
    const open = await engineOpenOrders(alice.userId);
    expect(open.map((o) => o.clientOrderId)).toContain(r.body.order.id);
    const c = await A<OrderResponse>("DELETE", `/api/v1/orders/${r.body.order.id}`);
    expect(c.body.order.status).toBe("CANCELLED");
    const after = await engineOpenOrders(alice.userId);
    expect(after.map((o) => o.clientOrderId)).not.toContain(r.body.order.id);
  });

  it("the database round-trips what the API acknowledged", async () => {
    const r = await restingBuy(A, "GOOGL", "2", "roundtrip-1");
    const { rows } = await sql.query(
      `SELECT o.user_id::text, o.symbol, o.side::text, o.price::text, o.quantity::text, o.status::text,
              o.client_order_id, o.original_price::text, o.original_quantity::text,
              (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.id) AS events
         FROM orders o WHERE o.id = $1`,
      [r.body.order.id],
    );
    expect(rows[0]).toEqual({
      user_id: alice.userId,
      symbol: "GOOGL",
      side: "BUY",
      price: String(toUnits(r.body.order.price ?? "0", "0.01")),
      quantity: "2",
      status: "NEW",
      client_order_id: "roundtrip-1",
      // one row per accepted order: its accepted terms are the first entry of its history...
      original_price: String(toUnits(r.body.order.price ?? "0", "0.01")),
      original_quantity: "2",
      events: 0,
    });
    await A("DELETE", `/api/v1/orders/${r.body.order.id}`);
    // ...and every change after it is an order_events row
    const history = await A<OrderDetailResponse>("GET", `/api/v1/orders/${r.body.order.id}`);
    expect(history.body.events.map((e) => [e.type, e.status])).toEqual([
      ["ACCEPTED", "NEW"],
      ["EXEC_CANCELED", "CANCELLED"],
    ]);
    const stored = await sql.query(`SELECT type FROM order_events WHERE order_id = $1`, [r.body.order.id]);
    expect(stored.rows).toEqual([{ type: "EXEC_CANCELED" }]);
  });

  it("portfolio shows positions, values and breakdown from current prices", async () => {
    const r = await A<PortfolioResponse>("GET", "/api/v1/portfolio");
    const msft = r.body.positions.find((p) => p.symbol === "MSFT");
    expect(msft?.quantity).toBe("4");
    const mark = Number(msft?.marketPrice);
    expect(Number(msft?.marketValue)).toBeCloseTo(4 * mark, 2);
    expect(Number(r.body.totalValue)).toBeCloseTo(Number(r.body.cash) + Number(r.body.positionsValue), 2);
    expect(Number(msft?.weightPercent)).toBeGreaterThan(0);
  });

  it("an order over the position limit is rejected with RISK_MAX_POSITION", async () => {
    const api = client(backend.address, limited.apiKey);
    const r = await api<Err>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "11",
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("RISK_MAX_POSITION");
    const ok = await api<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "10",
    });
    expect(ok.status).toBe(201);
    const again = await api<Err>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "1",
    });
    expect(again.body.error.code).toBe("RISK_MAX_POSITION");
  });

  it("the same client order id twice never creates two orders", async () => {
    const first = await restingBuy(A, "AMZN", "1", "once-only");
    const second = await restingBuy(A, "AMZN", "1", "once-only");
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    expect(second.body.order.id).toBe(first.body.order.id);
    const engineSide = (await engineOpenOrders(alice.userId)).filter((o) => o.symbol === "AMZN");
    expect(engineSide.length).toBe(1);
    await A("DELETE", `/api/v1/orders/${first.body.order.id}`);
  });

  it("user B can neither read nor cancel user A's orders", async () => {
    const r = await restingBuy(A, "TSLA", "1");
    const id = r.body.order.id;
    expect((await B<Err>("GET", `/api/v1/orders/${id}`)).status).toBe(404);
    expect((await B<Err>("DELETE", `/api/v1/orders/${id}`)).status).toBe(404);
    const bList = await B<ListOrdersResponse>("GET", "/api/v1/orders?limit=500");
    expect(bList.body.orders.find((o) => o.id === id)).toBeUndefined();
    const still = await A<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
    expect(still.body.order.status).toBe("NEW");
    await A("DELETE", `/api/v1/orders/${id}`);
  });

  it("a hard restart of the backend loses no order and its state matches the engine", async () => {
    // Resting orders of two users, plus a filled one, acknowledged before the crash.
    const acked: string[] = [];
    for (const [api, sym] of [
      [A, "AAPL"],
      [A, "MSFT"],
      [B, "AAPL"],
      [B, "GOOGL"],
    ] as const) {
      const r = await restingBuy(api, sym, "3");
      expect(r.status).toBe(201);
      acked.push(r.body.order.id);
    }
    const filled = await B<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "TSLA",
      side: "BUY",
      type: "MARKET",
      quantity: "2",
    });
    expect(filled.body.order.status).toBe("FILLED");
    // An order cancelled directly at the engine while the backend is down must come back CANCELLED.
    const gone = acked[0];

    process.kill(-backend.pid, "SIGKILL");
    await backend.exited;
    const c = new TradingEngineClient(engine.address, credentials.createInsecure());
    await new Promise<void>((resolve, reject) =>
      c.cancelOrder(
        { requestId: 1, account: alice.userId, symbol: "AAPL", orderId: 0, clientOrderId: gone },
        new Metadata(),
        { deadline: Date.now() + 5000 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    c.close();

    backend = await launchBackend();
    A = client(backend.address, alice.apiKey);
    B = client(backend.address, bob.apiKey);

    for (const id of acked.slice(1)) {
      const api = (await A("GET", `/api/v1/orders/${id}`)).status === 200 ? A : B;
      const r = await api<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
      expect(r.status, id).toBe(200);
      expect(r.body.order.status).toBe("NEW");
    }
    const g = await A<OrderDetailResponse>("GET", `/api/v1/orders/${gone}`);
    expect(g.body.order.status).toBe("CANCELLED");
    const f = await B<OrderDetailResponse>("GET", `/api/v1/orders/${filled.body.order.id}`);
    expect(f.body.order.status).toBe("FILLED");
    expect(f.body.fills.length).toBeGreaterThan(0);

    // Backend's open orders == engine's open orders, per user, with the same remaining quantity.
    for (const [api, user] of [
      [A, alice],
      [B, bob],
    ] as const) {
      const mine = await api<ListOrdersResponse>("GET", "/api/v1/orders?open=true&limit=500");
      const eng = await engineOpenOrders(user.userId);
      const backendView = mine.body.orders.map((o) => `${o.id}:${o.leavesQuantity}`).sort();
      const engineView = eng.map((o) => `${o.clientOrderId}:${o.leavesQuantity}`).sort();
      expect(backendView).toEqual(engineView);
    }
    // And it keeps trading after the restart.
    const more = await restingBuy(A, "AMZN", "1");
    expect(more.status).toBe(201);
  });

  it("with the engine down, /health and /ready answer 503 and orders get ENGINE_UNAVAILABLE (never a 500)", async () => {
    await engine.stop();
    await waitUntil(async () => (await A("GET", "/ready")).status === 503, "ready 503");
    const h = await A<{ status: string; checks: { engine: { status: string } } }>("GET", "/health");
    expect(h.status).toBe(503);
    expect(h.body.checks.engine.status).toBe("down");
    const r = await A<Err>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "1",
    });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("ENGINE_UNAVAILABLE");
    const read = await A<ListOrdersResponse>("GET", "/api/v1/orders?limit=5");
    expect(read.status).toBe(200);
  });

  it("when the engine comes back, the backend reconnects, closes orders the engine lost and trades again", async () => {
    const open = await A<ListOrdersResponse>("GET", "/api/v1/orders?open=true&limit=500");
    expect(open.body.orders.length).toBeGreaterThan(0);
    engine = await startEngine({ logLevel: "warn", port: engine.port });
    await waitUntil(async () => (await A("GET", "/ready")).status === 200, "ready again", 60_000);
    // The restarted engine has an empty book: every order the backend had open is now CANCELLED.
    const after = await A<ListOrdersResponse>("GET", "/api/v1/orders?open=true&limit=500");
    expect(after.body.orders).toEqual([]);
    const one = await A<OrderDetailResponse>("GET", `/api/v1/orders/${open.body.orders[0].id}`);
    expect(one.body.order.status).toBe("CANCELLED");
    expect(one.body.events.at(-1)?.type).toBe("RECONCILED");
    const r = await restingBuy(A, "AAPL", "1");
    expect(r.status).toBe(201);
    expect((await engineOpenOrders(alice.userId)).map((o) => o.clientOrderId)).toEqual([r.body.order.id]);
  });

  it("with the database down, /health answers 503 and reads get 503 DATABASE_UNAVAILABLE (never a 500)", async () => {
    await sql.end();
    await db.stop();
    const h = await A<{ status: string; checks: { database: { status: string } } }>("GET", "/health");
    expect(h.status).toBe(503);
    expect(h.body.checks.database.status).toBe("down");
    const r = await A<Err>("GET", "/api/v1/orders?limit=5");
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("DATABASE_UNAVAILABLE");
  });
});
