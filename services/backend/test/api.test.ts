// The HTTP API against real parts: PostgreSQL server, engine process over gRPC, backend on a real socket.
import { fromUnits } from "@hft/shared";
import type {
  ListFillsResponse,
  ListOrdersResponse,
  LoginResponse,
  OrderDetailResponse,
  OrderResponse,
  PortfolioResponse,
  RiskLimitsResponse,
  SymbolsResponse,
} from "@hft/shared/api";
import {
  BookResponse,
  CandlesResponse,
  PricesResponse,
  SymbolsResponse as SymbolsResponseSchema,
  SystemStatusResponse,
  TradesResponse,
} from "@hft/shared/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeededUser } from "../src/db/seed.js";
import { client, openStream, type Stack, startStack, waitUntil } from "./support/stack.js";

type Api = ReturnType<typeof client>;
type Err = { error: { code: string; message: string; details?: unknown } };

let stack: Stack;
let alice: SeededUser;
let bob: SeededUser;
let adminUser: SeededUser;
let A: Api;
let B: Api;
let ADMIN: Api;
let anon: Api;

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user({ username: "alice" });
  bob = await stack.user({ username: "bob" });
  adminUser = await stack.user({ username: "root", role: "ADMIN" });
  A = client(stack.url, alice.apiKey);
  B = client(stack.url, bob.apiKey);
  ADMIN = client(stack.url, adminUser.apiKey);
  anon = client(stack.url);
});
afterAll(async () => {
  await stack?.stop();
});

/** Current feed price of a symbol in ticks (what the market order should trade near). */
function feedTicks(symbol: string): number {
  const p = stack.backend.ctx.feed.price(symbol);
  if (p === null) throw new Error(`no feed price for ${symbol}`);
  return p;
}

const limit = (over: Record<string, unknown> = {}) => ({
  symbol: "AAPL",
  side: "BUY",
  type: "LIMIT",
  price: fromUnits(Math.round(feedTicks("AAPL") * 0.95), "0.01"),
  quantity: "3",
  ...over,
});

describe("system endpoints", () => {
  it("GET /health reports engine, database and feed ok", async () => {
    const r = await anon<{ status: string; checks: Record<string, { status: string }> }>("GET", "/health");
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("ok");
    expect(Object.values(r.body.checks).map((c) => c.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("GET /ready is 200 and /docs/json is the OpenAPI document of the routes", async () => {
    expect((await anon("GET", "/ready")).status).toBe(200);
    const doc = await anon<{ openapi: string; paths: Record<string, unknown> }>("GET", "/docs/json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const p of ["/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/portfolio", "/api/v1/auth/login"]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
    expect((await anon("GET", "/docs")).status).toBe(200);
  });

  it("GET /metrics exposes hft_ metrics in Prometheus naming, incl. the 1 µs..1 s order-to-ack histogram", async () => {
    const m = await stack.user({ username: "metrics-user" });
    await client(stack.url, m.apiKey)("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "1",
    });
    const r = await anon<string>("GET", "/metrics");
    expect(r.status).toBe(200);
    const text = r.body;
    for (const name of [
      "hft_backend_orders_received_total",
      "hft_backend_orders_accepted_total",
      "hft_backend_fills_total",
      "hft_backend_order_ack_duration_seconds_bucket",
      "hft_backend_db_write_duration_seconds_bucket",
      "hft_backend_db_write_batch_size_bucket",
      "hft_backend_open_orders",
      "hft_backend_process_cpu_seconds_total",
      "hft_backend_process_resident_memory_bytes",
    ]) {
      expect(text, name).toMatch(new RegExp(`^${name}(\\{| )`, "m"));
    }
    expect(text).toMatch(/^# TYPE hft_backend_grpc_errors_total counter$/m);
    expect(text).toContain('hft_backend_order_ack_duration_seconds_bucket{le="0.000001"}');
    expect(text).toContain('hft_backend_order_ack_duration_seconds_bucket{le="1"}');
    // every metric is ours (prefixed) and counters end in _total
    for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      expect(m[1]).toMatch(/^hft_/);
      if (m[2] === "counter") expect(m[1]).toMatch(/_total$/);
    }
  });

  it("the engine's reference price follows the price feed", async () => {
    const before = stack.backend.ctx.feed.lastUpdate?.getTime() ?? 0;
    await waitUntil(() => (stack.backend.ctx.feed.lastUpdate?.getTime() ?? 0) > before, "a feed tick");
    // The feed pushes after polling; the book's reference equals the feed's latest price once pushed.
    await waitUntil(async () => {
      const book = await stack.backend.ctx.engine.getOrderBook("MSFT", 1);
      return book.referencePrice === stack.backend.ctx.feed.price("MSFT");
    }, "engine reference == feed price");
    const syms = await anon<SymbolsResponse>("GET", "/api/v1/symbols");
    const msft = syms.body.symbols.find((s) => s.symbol === "MSFT");
    expect(msft?.marketPrice).not.toBeNull();
  });
});

describe("authentication", () => {
  it("login returns a bearer token that authenticates; wrong passwords do not", async () => {
    const ok = await anon<LoginResponse>("POST", "/api/v1/auth/login", {
      username: "alice",
      password: "password-123",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.tokenType).toBe("Bearer");
    const me = await anon<{ user: { username: string } }>("GET", "/api/v1/auth/me", undefined, {
      authorization: `Bearer ${ok.body.token}`,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe("alice");
    const bad = await anon<Err>("POST", "/api/v1/auth/login", { username: "alice", password: "nope-nope" });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe("INVALID_CREDENTIALS");
    const tampered = await anon<Err>("GET", "/api/v1/auth/me", undefined, {
      authorization: `Bearer ${ok.body.token.slice(0, -2)}xx`,
    });
    expect(tampered.status).toBe(401);
  });

  it("every user route needs a credential", async () => {
    for (const [m, p] of [
      ["GET", "/api/v1/orders"],
      ["POST", "/api/v1/orders"],
      ["GET", "/api/v1/portfolio"],
      ["GET", "/api/v1/positions"],
      ["GET", "/api/v1/fills"],
      ["GET", "/api/v1/risk/limits"],
      ["DELETE", "/api/v1/orders/1"],
    ] as const) {
      const r = await anon<Err>(m, p, m === "POST" ? {} : undefined);
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.body.error.code).toBe("UNAUTHORIZED");
    }
  });

  it("repeated failed logins are rate limited (429 RATE_LIMITED), per user", async () => {
    await stack.user({ username: "locked", password: "right-password" });
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        (await anon("POST", "/api/v1/auth/login", { username: "locked", password: "wrong" })).status,
      );
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429);
    const right = await anon<Err>("POST", "/api/v1/auth/login", {
      username: "locked",
      password: "right-password",
    });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("RATE_LIMITED");
    // another user from the same address is not affected
    const other = await anon("POST", "/api/v1/auth/login", { username: "alice", password: "password-123" });
    expect(other.status).toBe(200);
  });

  it("a revoked API key stops working at once", async () => {
    const k = await A<{ id: string; key: string }>("POST", "/api/v1/auth/api-keys", { label: "short-lived" });
    const api = client(stack.url, k.body.key);
    expect((await api("GET", "/api/v1/auth/me")).status).toBe(200);
    expect((await B<Err>("DELETE", `/api/v1/auth/api-keys/${k.body.id}`)).status).toBe(404);
    const del = await A<{ revokedAt: string }>("DELETE", `/api/v1/auth/api-keys/${k.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body.revokedAt).toBeTruthy();
    expect((await api<Err>("GET", "/api/v1/auth/me")).status).toBe(401);
    expect((await A("DELETE", `/api/v1/auth/api-keys/${k.body.id}`)).status).toBe(404);
  });

  it("a new API key works and is shown once", async () => {
    const r = await A<{ key: string; prefix: string }>("POST", "/api/v1/auth/api-keys", { label: "bot" });
    expect(r.status).toBe(201);
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    const me = await client(stack.url, r.body.key)<{ user: { username: string } }>("GET", "/api/v1/auth/me");
    expect(me.body.user.username).toBe("alice");
    const [row] = await stack.sql<{ key_hash: string }>(`SELECT key_hash FROM api_keys WHERE prefix = $1`, [
      r.body.prefix,
    ]);
    expect(row.key_hash).not.toContain(r.body.key);
  });
});

describe("orders", () => {
  it("a market buy executes at the market price with a fill confirmation, persisted before the answer", async () => {
    const mark = feedTicks("AAPL");
    const r = await A<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "10",
    });
    expect(r.status).toBe(201);
    expect(r.body.order.status).toBe("FILLED");
    expect(r.body.order.filledQuantity).toBe("10");
    expect(r.body.fills.length).toBeGreaterThan(0);
    const qty = r.body.fills.reduce((s, f) => s + Number(f.quantity), 0);
    expect(qty).toBe(10);
    for (const f of r.body.fills) {
      // the liquidity provider quotes a few bps around the feed-driven reference price
      expect(Math.abs(Number(f.price) * 100 - mark) / mark).toBeLessThan(0.01);
      expect(f.liquidity).toBe("TAKER");
    }
    const [row] = await stack.sql<{ status: string; filled_quantity: string }>(
      `SELECT status::text, filled_quantity::text FROM orders WHERE id = $1`,
      [r.body.order.id],
    );
    expect(row).toEqual({ status: "FILLED", filled_quantity: "10" });
    const fills = await stack.sql<{ id: string }>(
      `SELECT id::text FROM fills WHERE order_id = $1 ORDER BY id`,
      [r.body.order.id],
    );
    // the acknowledgement carries the persisted fills' real ids
    expect(r.body.fills.map((f) => f.id).sort()).toEqual(fills.map((f) => f.id).sort());
    // History: the write-ahead ACCEPTED row first, then the engine's reports in sequence order (the trades
    // are committed concurrently with the write-ahead row and may overtake it).
    const detail = await A<OrderDetailResponse>("GET", `/api/v1/orders/${r.body.order.id}`);
    const types = detail.body.events.map((e) => e.type);
    expect(types[0]).toBe("ACCEPTED");
    expect(types.slice(1).every((t) => t === "EXEC_TRADE")).toBe(true);
    expect(types.length).toBe(1 + r.body.fills.length);
    expect(detail.body.events.at(-1)?.status).toBe("FILLED");
    // engineOrderId is known to the caller at once, even before a later change writes it to the row
    expect(detail.body.order.engineOrderId).toBe(r.body.order.engineOrderId);
  });

  it("a limit 5% below the market rests unfilled; cancel makes it CANCELLED; a second cancel is 409", async () => {
    const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
    expect(placed.status).toBe(201);
    expect(placed.body.order).toMatchObject({ status: "NEW", filledQuantity: "0", leavesQuantity: "3" });
    const id = placed.body.order.id;
    // The engine's id of a resting order is served from memory until its next change is written.
    expect(placed.body.order.engineOrderId).not.toBeNull();
    const one = await A<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
    expect(one.body.order.engineOrderId).toBe(placed.body.order.engineOrderId);
    expect(one.body.events.map((e) => e.type)).toEqual(["ACCEPTED"]);
    const open = await A<ListOrdersResponse>("GET", "/api/v1/orders?open=true");
    expect(open.body.orders.map((o) => o.id)).toContain(id);
    const c = await A<OrderResponse>("DELETE", `/api/v1/orders/${id}`);
    expect(c.status).toBe(200);
    expect(c.body.order.status).toBe("CANCELLED");
    const again = await A<Err>("DELETE", `/api/v1/orders/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ORDER_NOT_OPEN");
    const detail = await A<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
    expect(detail.body.order.status).toBe("CANCELLED");
    expect(detail.body.events.map((e) => e.status)).toEqual(["NEW", "CANCELLED"]);
  });

  it("modify changes price and quantity of a resting order", async () => {
    const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
    const id = placed.body.order.id;
    const newPrice = fromUnits(Math.round(feedTicks("AAPL") * 0.94), "0.01");
    const m = await A<OrderResponse>("PATCH", `/api/v1/orders/${id}`, { price: newPrice, quantity: "4" });
    expect(m.status).toBe(200);
    expect(m.body.order).toMatchObject({
      price: newPrice,
      quantity: "4",
      leavesQuantity: "4",
      status: "NEW",
    });
    const none = await A<Err>("PATCH", `/api/v1/orders/${id}`, {});
    expect(none.status).toBe(400);
    // The history keeps the accepted terms (from the order row) ahead of the change.
    const detail = await A<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
    expect(detail.body.order).toMatchObject({ price: newPrice, quantity: "4" });
    expect(detail.body.events.map((e) => [e.type, e.price, e.quantity])).toEqual([
      ["ACCEPTED", placed.body.order.price, placed.body.order.quantity],
      ["EXEC_REPLACED", newPrice, "4"],
    ]);
    await A("DELETE", `/api/v1/orders/${id}`);
  });

  it("the same clientOrderId twice never creates two orders (also when sent concurrently)", async () => {
    const body = limit({ clientOrderId: "idem-1" });
    const [a, b] = await Promise.all([
      A<OrderResponse>("POST", "/api/v1/orders", body),
      A<OrderResponse>("POST", "/api/v1/orders", body),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.order.id).toBe(b.body.order.id);
    const dup = a.status === 200 ? a : b;
    expect(dup.body.duplicate).toBe(true);
    const again = await A<OrderResponse>("POST", "/api/v1/orders", body);
    expect(again.status).toBe(200);
    expect(again.body.order.id).toBe(a.body.order.id);
    const rows = await stack.sql(`SELECT id FROM orders WHERE client_order_id = 'idem-1'`);
    expect(rows.length).toBe(1);
    // Another user may use the same client order id for their own order.
    const other = await B<OrderResponse>("POST", "/api/v1/orders", body);
    expect(other.status).toBe(201);
    expect(other.body.order.id).not.toBe(a.body.order.id);
    await A("DELETE", `/api/v1/orders/${a.body.order.id}`);
    await B("DELETE", `/api/v1/orders/${other.body.order.id}`);
  });

  it("a failed commit answers 503 PERSISTENCE_FAILED and takes the order back from the engine; a retry makes exactly one order", async () => {
    // A real failure inside PostgreSQL: a trigger rejects the row of this one order (a flush is one statement,
    // so a trigger on another table could not see this order's row; the order row itself can be matched).
    await stack.sql(`CREATE OR REPLACE FUNCTION fail_order() RETURNS trigger AS $$
      BEGIN
        IF NEW.client_order_id = 'doomed-1' THEN
          RAISE EXCEPTION 'injected failure';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await stack.sql(
      `CREATE TRIGGER fail_order BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fail_order()`,
    );
    const { engine, metrics } = stack.backend.ctx;
    const openBefore = (await engine.getOpenOrders(alice.userId)).length;
    const writeErrors = async () => (await metrics.dbWriteErrors.get()).values[0]?.value ?? 0;
    const errorsBefore = await writeErrors();
    try {
      const first = await A<Err>("POST", "/api/v1/orders", limit({ clientOrderId: "doomed-1" }));
      expect(first.status).toBe(503);
      expect(first.body.error.code).toBe("PERSISTENCE_FAILED");
      // The engine had taken it (the row is written while the engine works): it is withdrawn, never left
      // working in the market behind a 503.
      await waitUntil(
        async () => (await engine.getOpenOrders(alice.userId)).length === openBefore,
        "the unpersisted order to be withdrawn from the engine",
        5_000,
      );
      // The withdrawal's CANCELLED row hits the trigger too (second failed write): nothing of the first
      // attempt is stored. (Had it been stored, a retry would rightly answer it as a duplicate.)
      await waitUntil(
        async () => (await writeErrors()) >= errorsBefore + 2,
        "the withdrawal's write to be refused as well",
        5_000,
      );
    } finally {
      await stack.sql(`DROP TRIGGER fail_order ON orders`);
    }
    expect(await stack.sql(`SELECT id FROM orders WHERE client_order_id = 'doomed-1'`)).toEqual([]);
    // Nothing of the first attempt exists any more, so the retry places the order, once.
    const retry = await A<OrderResponse>("POST", "/api/v1/orders", limit({ clientOrderId: "doomed-1" }));
    expect(retry.status).toBe(201);
    const again = await A<OrderResponse>("POST", "/api/v1/orders", limit({ clientOrderId: "doomed-1" }));
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.order.id).toBe(retry.body.order.id);
    const engineOpen = await engine.getOpenOrders(alice.userId);
    expect(engineOpen.length).toBe(openBefore + 1);
    expect(engineOpen.filter((r) => r.clientOrderId === retry.body.order.id).length).toBe(1);
    const rows = await stack.sql<{ status: string }>(
      `SELECT status::text FROM orders WHERE client_order_id = 'doomed-1'`,
    );
    expect(rows).toEqual([{ status: "NEW" }]);
  });

  it("an order the engine took just before the stream broke is adopted with its clientOrderId (retry = duplicate)", async () => {
    const { engine, core } = stack.backend.ctx;
    const send = engine.send.bind(engine);
    // Break the stream (as far as the backend knows) right after the command has gone out, before its report.
    engine.send = (cmd) => {
      send(cmd);
      engine.send = send;
      setImmediate(() => engine.onStreamDown(new Error("test: stream broke")));
    };
    const first = await A<Err>("POST", "/api/v1/orders", limit({ clientOrderId: "limbo-1" }));
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe("ENGINE_UNAVAILABLE");
    // What the wire does on reconnect: reconcile with the engine, then take orders again.
    await core.reconcile();
    core.ready = true;
    const retry = await A<OrderResponse>("POST", "/api/v1/orders", limit({ clientOrderId: "limbo-1" }));
    expect(retry.status).toBe(200);
    expect(retry.body.duplicate).toBe(true);
    const rows = await stack.sql(`SELECT id FROM orders WHERE client_order_id = 'limbo-1'`);
    expect(rows.length).toBe(1);
    const inEngine = (await engine.getOpenOrders(alice.userId)).filter(
      (r) => r.clientOrderId === retry.body.order.id,
    );
    expect(inEngine.length).toBe(1);
    await A("DELETE", `/api/v1/orders/${retry.body.order.id}`);
  });

  it("an order whose command never reached the engine is closed by reconciliation (its row was written ahead)", async () => {
    const { engine, core } = stack.backend.ctx;
    const send = engine.send.bind(engine);
    // The command is lost on the way (the stream breaks before it is sent): the engine never hears of it.
    engine.send = () => {
      engine.send = send;
      setImmediate(() => engine.onStreamDown(new Error("test: stream broke")));
    };
    const first = await A<Err>("POST", "/api/v1/orders", limit({ clientOrderId: "lost-1" }));
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe("ENGINE_UNAVAILABLE");
    // Durable as NEW (written while the engine was to work on it), but the engine does not know it...
    const before = await stack.sql<{ id: string; status: string }>(
      `SELECT id::text, status::text FROM orders WHERE client_order_id = 'lost-1'`,
    );
    expect(before.map((r) => r.status)).toEqual(["NEW"]);
    // ...so reconciliation closes it, with the reason in its history, and releases what it held.
    await core.reconcile();
    core.ready = true;
    const detail = await A<OrderDetailResponse>("GET", `/api/v1/orders/${before[0]?.id}`);
    expect(detail.body.order.status).toBe("CANCELLED");
    expect(detail.body.events.map((e) => e.type)).toEqual(["ACCEPTED", "RECONCILED"]);
    const inEngine = (await engine.getOpenOrders(alice.userId)).filter(
      (r) => r.clientOrderId === before[0]?.id,
    );
    expect(inEngine).toEqual([]);
  });

  it("users never see, cancel or modify each other's orders", async () => {
    const mine = await A<OrderResponse>("POST", "/api/v1/orders", limit());
    const id = mine.body.order.id;
    expect((await B<Err>("GET", `/api/v1/orders/${id}`)).status).toBe(404);
    expect((await B<Err>("DELETE", `/api/v1/orders/${id}`)).status).toBe(404);
    expect((await B<Err>("PATCH", `/api/v1/orders/${id}`, { quantity: "5" })).status).toBe(404);
    const list = await B<ListOrdersResponse>("GET", "/api/v1/orders?limit=500");
    expect(list.body.orders.map((o) => o.id)).not.toContain(id);
    const fills = await B<ListFillsResponse>("GET", `/api/v1/fills?orderId=${id}`);
    expect(fills.body.fills).toEqual([]);
    const still = await A<OrderDetailResponse>("GET", `/api/v1/orders/${id}`);
    expect(still.body.order.status).toBe("NEW");
    await A("DELETE", `/api/v1/orders/${id}`);
  });

  it("lists with filters and cursor pagination, newest first, without gaps or repeats", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await B<OrderResponse>("POST", "/api/v1/orders", limit({ symbol: "MSFT", ...msftLimit() }));
      ids.push(r.body.order.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const q: string = `/api/v1/orders?symbol=MSFT&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await B<ListOrdersResponse>("GET", q);
      expect(r.status).toBe(200);
      expect(r.body.orders.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.orders.map((o) => o.id));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
    const sells = await B<ListOrdersResponse>("GET", "/api/v1/orders?symbol=MSFT&side=SELL");
    expect(sells.body.orders).toEqual([]);
    const future = await B<ListOrdersResponse>(
      "GET",
      `/api/v1/orders?from=${encodeURIComponent("2999-01-01T00:00:00Z")}`,
    );
    expect(future.body.orders).toEqual([]);
    for (const id of ids) await B("DELETE", `/api/v1/orders/${id}`);
    const cancelled = await B<ListOrdersResponse>("GET", "/api/v1/orders?symbol=MSFT&status=CANCELLED");
    expect(cancelled.body.orders.map((o) => o.id).sort()).toEqual([...ids].sort());
  });

  it("a post-only order that would take is rejected by the engine with a machine-readable code", async () => {
    const book = await stack.backend.ctx.engine.getOrderBook("AAPL", 1);
    const r = await A<Err>(
      "POST",
      "/api/v1/orders",
      // 1% through the best ask: still crossing even if the liquidity provider re-quotes meanwhile
      limit({ price: fromUnits(Math.round(book.bestAsk * 1.01), "0.01"), postOnly: true }),
    );
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("ENGINE_POST_ONLY_WOULD_TAKE");
  });
});

describe("fills", () => {
  it("lists the caller's fills with filters and cursor pagination", async () => {
    await A("POST", "/api/v1/orders", { symbol: "GOOGL", side: "BUY", type: "MARKET", quantity: "2" });
    const all = await stack.sql<{ id: string }>(
      `SELECT id::text FROM fills WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
      [alice.userId],
    );
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: { status: number; body: ListFillsResponse } = await A<ListFillsResponse>(
        "GET",
        `/api/v1/fills?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.fills.map((f) => f.id));
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(all.map((r) => r.id));
    const googl = await A<ListFillsResponse>("GET", "/api/v1/fills?symbol=GOOGL");
    expect(googl.body.fills.length).toBeGreaterThan(0);
    expect(new Set(googl.body.fills.map((f) => f.symbol))).toEqual(new Set(["GOOGL"]));
  });
});

describe("portfolio", () => {
  it("shows positions, values and breakdown from current prices", async () => {
    const r = await A<PortfolioResponse>("GET", "/api/v1/portfolio");
    expect(r.status).toBe(200);
    const aapl = r.body.positions.find((p) => p.symbol === "AAPL");
    expect(aapl?.quantity).toBe("10");
    const mark = Number(aapl?.marketPrice);
    expect(mark).toBeGreaterThan(0);
    expect(Number(aapl?.marketValue)).toBeCloseTo(mark * 10, 2);
    expect(Number(aapl?.unrealizedPnl)).toBeCloseTo(Number(aapl?.marketValue) - Number(aapl?.costBasis), 2);
    expect(Number(r.body.totalValue)).toBeCloseTo(Number(r.body.cash) + Number(r.body.positionsValue), 2);
    // cash = 100,000 minus what the buys cost (alice only bought, so that is the total cost basis)
    expect(Number(r.body.cash)).toBeCloseTo(100_000 - Number(r.body.costBasis), 2);
    const positions = await A<{ positions: { symbol: string }[] }>("GET", "/api/v1/positions");
    expect(positions.body.positions.map((p) => p.symbol)).toContain("AAPL");
  });
});

describe("risk limits", () => {
  it("non-admins cannot set limits; admin sets them and an order over the position limit is rejected and recorded", async () => {
    const body = {
      maxPositionQuantity: "20",
      maxOrderQuantity: "100",
      maxOrderNotional: "50000",
      priceCollarBps: 1000,
      ordersPerSecond: 100,
      orderBurst: 100,
    };
    expect((await B<Err>("PUT", `/api/v1/admin/users/${bob.userId}/risk-limits`, body)).status).toBe(403);
    const put = await ADMIN<RiskLimitsResponse>("PUT", `/api/v1/admin/users/${bob.userId}/risk-limits`, body);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      userId: bob.userId,
      maxPositionQuantity: "20",
      maxOrderNotional: "50000.00",
    });
    const mine = await B<RiskLimitsResponse>("GET", "/api/v1/risk/limits");
    expect(mine.body.maxPositionQuantity).toBe("20");
    const r = await B<Err>("POST", "/api/v1/orders", limit({ quantity: "21" }));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("RISK_MAX_POSITION");
    const rows = await stack.sql<{ code: string }>(`SELECT code FROM rejected_orders WHERE user_id = $1`, [
      bob.userId,
    ]);
    expect(rows.map((x) => x.code)).toContain("RISK_MAX_POSITION");
    expect((await ADMIN<Err>("PUT", "/api/v1/admin/users/999999/risk-limits", body)).status).toBe(404);
  });

  it("the per-user order rate limit answers 429 RISK_RATE_LIMIT and records the rejection", async () => {
    const fast = await stack.user({ username: "fast" });
    const put = await ADMIN("PUT", `/api/v1/admin/users/${fast.userId}/risk-limits`, {
      maxPositionQuantity: "1000",
      maxOrderQuantity: "100",
      maxOrderNotional: "100000",
      priceCollarBps: 1000,
      ordersPerSecond: 1,
      orderBurst: 2,
    });
    expect(put.status).toBe(200);
    const api = client(stack.url, fast.apiKey);
    const statuses: number[] = [];
    // burst of 2, then 1 per second: 4 quick orders cannot all pass (even on a slow machine)
    for (let i = 0; i < 4; i++) {
      statuses.push((await api("POST", "/api/v1/orders", limit({ quantity: "1" }))).status);
    }
    expect(statuses.slice(0, 2)).toEqual([201, 201]);
    expect(statuses).toContain(429);
    const rows = await stack.sql<{ code: string }>(`SELECT code FROM rejected_orders WHERE user_id = $1`, [
      fast.userId,
    ]);
    expect(rows.length).toBe(statuses.filter((x) => x === 429).length);
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(["RISK_RATE_LIMIT"]));
  });

  it("rejects a limit price outside the collar and a buy beyond buying power", async () => {
    const far = await A<Err>(
      "POST",
      "/api/v1/orders",
      limit({ price: fromUnits(feedTicks("AAPL") * 2, "0.01") }),
    );
    expect(far.status).toBe(422);
    expect(far.body.error.code).toBe("RISK_PRICE_COLLAR");
    const poor = await stack.user({ username: "poor", cash: "100" });
    const r = await client(stack.url, poor.apiKey)<Err>("POST", "/api/v1/orders", limit({ quantity: "5" }));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("RISK_BUYING_POWER");
  });
});

describe("WebSocket stream", () => {
  it("pushes the user's own order updates and subscribed market data", async () => {
    const { ws, msgs } = await openStream(stack.url, alice.apiKey);
    try {
      await waitUntil(() => msgs.some((m) => m.type === "welcome"), "welcome");
      expect(msgs[0]).toMatchObject({ type: "welcome", authenticated: true, userId: alice.userId });
      ws.send(JSON.stringify({ type: "subscribe", symbols: ["AAPL"] }));
      await waitUntil(() => msgs.some((m) => m.type === "price"), "a price message");
      ws.send("not json");
      ws.send(JSON.stringify({ type: "subscribe", symbols: ["lower"] }));
      await waitUntil(() => msgs.filter((m) => m.type === "error").length >= 2, "two error messages");
      const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
      await waitUntil(
        () => msgs.some((m) => m.type === "order" && (m.order as { id: string }).id === placed.body.order.id),
        "the order update",
      );
      // bob's orders never reach alice's socket
      const bobs = await B<OrderResponse>("POST", "/api/v1/orders", limit({ symbol: "AAPL" }));
      await A("DELETE", `/api/v1/orders/${placed.body.order.id}`);
      await waitUntil(
        () => msgs.some((m) => m.type === "order" && (m.order as { status: string }).status === "CANCELLED"),
        "the cancel update",
      );
      expect(
        msgs.some((m) => m.type === "order" && (m.order as { id: string }).id === bobs.body.order.id),
      ).toBe(false);
      await B("DELETE", `/api/v1/orders/${bobs.body.order.id}`);
      // a fill of one's own market order arrives as a "fill" message with the persisted fill id
      const mkt = await A<OrderResponse>("POST", "/api/v1/orders", {
        symbol: "AAPL",
        side: "SELL",
        type: "MARKET",
        quantity: "1",
      });
      await waitUntil(
        () =>
          msgs.some(
            (m) => m.type === "fill" && (m.fill as { orderId: string }).orderId === mkt.body.order.id,
          ),
        "the fill message",
      );
      const fillMsg = msgs.find(
        (m) => m.type === "fill" && (m.fill as { orderId: string }).orderId === mkt.body.order.id,
      );
      expect((fillMsg?.fill as { id: string } | undefined)?.id).toBe(mkt.body.fills[0].id);
    } finally {
      ws.close();
    }
  });
});

function msftLimit() {
  return { price: fromUnits(Math.round(feedTicks("MSFT") * 0.95), "0.01"), quantity: "1" };
}

describe("read-only routes answer in the contract's shapes", () => {
  it("status, symbols, prices, book, trades, candles, positions, keys, admin limits", async () => {
    const status = await anon("GET", "/api/v1/system/status");
    expect(status.status).toBe(200);
    const st = SystemStatusResponse.parse(status.body);
    expect(st.engine.streamConnected).toBe(true);
    expect(st.persistence.mode).toBe("group");
    expect(st.orderAckLatencyMs.count).toBeGreaterThan(0);
    const syms = SymbolsResponseSchema.parse((await anon("GET", "/api/v1/symbols")).body);
    expect(syms.symbols.map((x) => x.symbol)).toEqual(["AAPL", "AMZN", "GOOGL", "MSFT", "TSLA"]);
    const prices = PricesResponse.parse((await anon("GET", "/api/v1/market/prices")).body);
    expect(prices.prices.length).toBe(5);
    const book = BookResponse.parse((await anon("GET", "/api/v1/market/AAPL/book?depth=3")).body);
    expect(book.bids.length).toBeLessThanOrEqual(3);
    expect(Number(book.bestBid)).toBeLessThan(Number(book.bestAsk));
    expect(Number(book.midPrice)).toBeCloseTo((Number(book.bestBid) + Number(book.bestAsk)) / 2, 3);
    const trades = TradesResponse.parse((await anon("GET", "/api/v1/market/AAPL/trades?limit=5")).body);
    expect(trades.trades.length).toBeGreaterThan(0); // alice's market buys traded
    const candles = CandlesResponse.parse(
      (await anon("GET", "/api/v1/market/AAPL/candles?interval=1m")).body,
    );
    expect(candles.candles.length).toBeGreaterThan(0);
    const keys = await A<{ apiKeys: { prefix: string }[] }>("GET", "/api/v1/auth/api-keys");
    expect(keys.body.apiKeys.map((k) => k.prefix)).toContain(alice.apiKey.slice(0, 12));
    const lim = await ADMIN<RiskLimitsResponse>("GET", `/api/v1/admin/users/${alice.userId}/risk-limits`);
    expect(lim.status).toBe(200);
    expect(lim.body.maxPositionQuantity).toBe("10000"); // defaults
  });
});

describe("in-memory account state", () => {
  it("open quantity per symbol equals the open orders in the database, and the open-order gauge matches", async () => {
    await A("POST", "/api/v1/orders", limit({ quantity: "3" }));
    await A("POST", "/api/v1/orders", limit({ quantity: "4" }));
    await B("POST", "/api/v1/orders", limit({ symbol: "MSFT", ...msftLimit() }));
    const state = await stack.backend.ctx.core.user(BigInt(alice.userId));
    expect(state.openLots.get("AAPL")?.buy).toBeGreaterThanOrEqual(7n);
    for (const u of [alice, bob]) {
      const state = await stack.backend.ctx.core.user(BigInt(u.userId));
      const rows = await stack.sql<{ symbol: string; side: string; leaves: string }>(
        `SELECT symbol, side::text, sum(leaves_quantity)::text AS leaves FROM orders
          WHERE user_id = $1 AND status IN ('NEW','PARTIALLY_FILLED') GROUP BY symbol, side`,
        [u.userId],
      );
      const fromDb = Object.fromEntries(rows.map((r) => [`${r.symbol}:${r.side}`, r.leaves]));
      const fromMem: Record<string, string> = {};
      for (const [symbol, l] of state.openLots) {
        if (l.buy !== 0n) fromMem[`${symbol}:BUY`] = l.buy.toString();
        if (l.sell !== 0n) fromMem[`${symbol}:SELL`] = l.sell.toString();
      }
      expect(fromMem).toEqual(fromDb);
    }
    const [{ n }] = await stack.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE status IN ('NEW','PARTIALLY_FILLED')`,
    );
    expect(stack.backend.ctx.core.openOrderCount).toBe(n);
  });
});
