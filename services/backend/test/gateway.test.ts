// WORKER_THREADS=3: three HTTP gateway threads share the public port (SO_REUSEPORT) and forward orders to the
// main thread; every other route and the WebSocket stream are proxied to it. Same real parts as api.test.ts:
// PostgreSQL server, engine process over gRPC, backend on real sockets.
import { fromUnits } from "@hft/shared";
import type { ListOrdersResponse, OrderDetailResponse, OrderResponse } from "@hft/shared/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeededUser } from "../src/db/seed.js";
import { client, openStream, type Stack, startStack, waitUntil } from "./support/stack.js";

type Api = ReturnType<typeof client>;
type Err = { error: { code: string; message: string; details?: unknown } };

let stack: Stack;
let alice: SeededUser;
let A: Api;
let B: Api;

beforeAll(async () => {
  stack = await startStack({ WORKER_THREADS: "3" });
  alice = await stack.user({ username: "gw_alice" });
  const bob = await stack.user({
    username: "gw_bob",
    limits: { maxPositionQuantity: "5", maxOrderQuantity: "100", maxOrderNotional: "1000000" },
  });
  A = client(stack.url, alice.apiKey);
  B = client(stack.url, bob.apiKey);
});
afterAll(async () => {
  await stack?.stop();
});

const limit = (over: Record<string, unknown> = {}) => {
  const ticks = stack.backend.ctx.feed.price("AAPL");
  if (ticks === null) throw new Error("no AAPL price");
  return {
    symbol: "AAPL",
    side: "BUY",
    type: "LIMIT",
    price: fromUnits(Math.round(ticks * 0.95), "0.01"),
    quantity: "3",
    ...over,
  };
};

describe("HTTP gateway threads", () => {
  it("serve the public port while the main thread listens on loopback only", () => {
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const main = stack.backend.app.server.address();
    expect(typeof main === "object" && main?.port).not.toBe(Number(new URL(stack.url).port));
  });

  it("place, read back (proxied), cancel: the order is durable and its state follows the engine", async () => {
    const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
    expect(placed.status).toBe(201);
    expect(placed.body.order).toMatchObject({ status: "NEW", symbol: "AAPL", quantity: "3" });
    const rows = await stack.sql<{ status: string }>("SELECT status FROM orders WHERE id = $1", [
      placed.body.order.id,
    ]);
    expect(rows).toEqual([{ status: "NEW" }]);
    const got = await A<OrderDetailResponse>("GET", `/api/v1/orders/${placed.body.order.id}`);
    expect(got.status).toBe(200);
    expect(got.body.order.id).toBe(placed.body.order.id);
    const cancelled = await A<OrderResponse>("DELETE", `/api/v1/orders/${placed.body.order.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.status).toBe("CANCELLED");
    const again = await A<Err>("DELETE", `/api/v1/orders/${placed.body.order.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ORDER_NOT_OPEN");
  });

  it("many concurrent orders over many connections are all acknowledged and all persisted", async () => {
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        A<OrderResponse>("POST", "/api/v1/orders", limit({ quantity: String(1 + (i % 3)) })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const ids = results.map((r) => r.body.order.id);
    const rows = await stack.sql<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE id = ANY($1)", [
      ids,
    ]);
    expect(rows[0].n).toBe(120);
    const list = await A<ListOrdersResponse>("GET", "/api/v1/orders?open=true&limit=200");
    expect(list.body.orders.map((o) => o.id)).toEqual(expect.arrayContaining(ids));
  });

  it("errors keep their status and machine-readable code across the thread boundary", async () => {
    const bad = await A<Err>("POST", "/api/v1/orders", { ...limit(), quantity: "-1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
    const noKey = await client(stack.url)<Err>("POST", "/api/v1/orders", limit());
    expect(noKey.status).toBe(401);
    const tooBig = await B<Err>("POST", "/api/v1/orders", limit({ quantity: "6" }));
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.code).toBe("RISK_MAX_POSITION");
    const offTick = await A<Err>("POST", "/api/v1/orders", limit({ price: "10.001" }));
    expect(offTick.status).toBe(400);
    expect(offTick.body.error.code).toBe("PRICE_OFF_TICK");
  });

  it("users only touch their own orders", async () => {
    const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
    const r = await B<Err>("DELETE", `/api/v1/orders/${placed.body.order.id}`);
    expect(r.status).toBe(404);
    const m = await B<Err>("PATCH", `/api/v1/orders/${placed.body.order.id}`, { quantity: "2" });
    expect(m.status).toBe(404);
    const mine = await A<OrderResponse>("PATCH", `/api/v1/orders/${placed.body.order.id}`, { quantity: "2" });
    expect(mine.status).toBe(200);
    expect(mine.body.order.quantity).toBe("2");
  });

  it("the same client order id twice gives one order", async () => {
    const body = limit({ clientOrderId: "gw-dup-1" });
    const [a, b] = await Promise.all([
      A<OrderResponse>("POST", "/api/v1/orders", body),
      A<OrderResponse>("POST", "/api/v1/orders", body),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.order.id).toBe(b.body.order.id);
  });

  it("a revoked API key stops working at once on every gateway thread", async () => {
    const k = await A<{ id: string; key: string }>("POST", "/api/v1/auth/api-keys", { label: "gw" });
    expect(k.status).toBe(201);
    const K = client(stack.url, k.body.key);
    // warm every thread's key cache (connections are spread over the threads)
    for (let i = 0; i < 12; i++) expect((await K("POST", "/api/v1/orders", limit())).status).toBe(201);
    expect((await A("DELETE", `/api/v1/auth/api-keys/${k.body.id}`)).status).toBe(200);
    const after = await Promise.all(
      Array.from({ length: 12 }, () => K<Err>("POST", "/api/v1/orders", limit())),
    );
    expect(after.map((r) => r.status)).toEqual(after.map(() => 401));
  });

  it("proxied routes: health, metrics, OpenAPI document, and the WebSocket stream", async () => {
    const anon = client(stack.url);
    const health = await anon<{ status: string }>("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    const metrics = await anon<string>("GET", "/metrics");
    expect(metrics.body).toMatch(/^hft_backend_orders_accepted_total [1-9]/m);
    const doc = await anon<{ paths: Record<string, unknown> }>("GET", "/docs/json");
    expect(Object.keys(doc.body.paths)).toContain("/api/v1/orders");

    const { ws, msgs } = await openStream(stack.url, alice.apiKey);
    try {
      await waitUntil(() => msgs.some((m) => m.type === "welcome"), "welcome");
      const placed = await A<OrderResponse>("POST", "/api/v1/orders", limit());
      await waitUntil(
        () => msgs.some((m) => m.type === "order" && (m.order as { id: string }).id === placed.body.order.id),
        "the order update through the proxied stream",
      );
    } finally {
      ws.close();
    }
  });

  it("stop drains the gateway threads and closes the public port", async () => {
    const port = Number(new URL(stack.url).port);
    await stack.backend.stop();
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
