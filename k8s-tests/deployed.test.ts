// Smoke test of a DEPLOYED platform (the kind workflow runs it through `kubectl port-forward`; any other
// deployment works the same way). Skipped unless HFT_DEPLOYED_BACKEND_URL is set:
//   HFT_DEPLOYED_BACKEND_URL=http://127.0.0.1:8000 HFT_DEPLOYED_WEB_URL=http://127.0.0.1:3000 \
//   HFT_DEPLOYED_KEYS='{"trader":"...","maker":"..."}' npx vitest run --project k8s k8s-tests/deployed.test.ts
// HFT_DEPLOYED_KEYS is what k8s-tests/kind/seed-users.mjs prints. A real order crosses a real resting order:
// web -> (not used) ; test -> backend -> engine (gRPC) -> execution reports -> backend -> PostgreSQL.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";

const backendUrl = process.env.HFT_DEPLOYED_BACKEND_URL;
const webUrl = process.env.HFT_DEPLOYED_WEB_URL;
const keys = JSON.parse(process.env.HFT_DEPLOYED_KEYS ?? "{}") as { trader?: string; maker?: string };

interface Order {
  id: string;
  status: "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELLED" | "REJECTED";
  filledQuantity: string;
}

async function call<T>(method: string, path: string, apiKey?: string, body?: unknown) {
  const res = await fetch(`${backendUrl}${path}`, {
    method,
    headers: {
      ...(apiKey ? { "x-api-key": apiKey } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Polls until `check` returns a value (bounded). */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe.skipIf(!backendUrl)("deployed platform", () => {
  it("backend /health and /ready answer 200", async () => {
    for (const path of ["/health", "/ready"]) {
      const r = await fetch(`${backendUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
      expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
    }
  });

  it("the API refuses an unauthenticated request with 401 and a machine-readable code", async () => {
    const r = await call<{ error: { code: string } }>("GET", "/api/v1/orders");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toMatch(/^[A-Z_]+$/);
  });

  it.skipIf(!webUrl)("web /healthz answers and the UI is served", async () => {
    const health = await fetch(`${webUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    const page = await fetch(`${webUrl}/`, { signal: AbortSignal.timeout(30_000) });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("a buy crossing a resting sell trades: backend -> engine -> PostgreSQL", async () => {
    expect(keys.trader && keys.maker, "HFT_DEPLOYED_KEYS with trader and maker API keys").toBeTruthy();
    const symbols = await call<{ symbols: Array<{ symbol: string; referencePrice: string | null }> }>(
      "GET",
      "/api/v1/symbols",
      keys.trader,
    );
    expect(symbols.status).toBe(200);
    const price = await eventually("a reference price for AAPL", async () => {
      const s = (await call<typeof symbols.body>("GET", "/api/v1/symbols", keys.trader)).body.symbols;
      return s.find((x) => x.symbol === "AAPL")?.referencePrice ?? undefined;
    });
    const position = async () => {
      const p = await call<{ positions: Array<{ symbol: string; quantity: string }> }>(
        "GET",
        "/api/v1/portfolio",
        keys.trader,
      );
      expect(p.status).toBe(200);
      return Number(p.body.positions.find((x) => x.symbol === "AAPL")?.quantity ?? "0");
    };
    const before = await position();
    const run = Date.now().toString(36);
    const sell = await call<{ order: Order }>("POST", "/api/v1/orders", keys.maker, {
      symbol: "AAPL",
      side: "SELL",
      type: "LIMIT",
      timeInForce: "GTC",
      price,
      quantity: "1",
      clientOrderId: `smoke-sell-${run}`,
    });
    expect(sell.status, JSON.stringify(sell.body)).toBeLessThan(300);
    try {
      const buy = await call<{ order: Order }>("POST", "/api/v1/orders", keys.trader, {
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        timeInForce: "IOC",
        price,
        quantity: "1",
        clientOrderId: `smoke-buy-${run}`,
      });
      expect(buy.status, JSON.stringify(buy.body)).toBeLessThan(300);
      // Filled against the resting sell (or a better-priced quote of the liquidity provider).
      const filled = await eventually("the buy to be filled", async () => {
        const o = await call<{ order: Order }>("GET", `/api/v1/orders/${buy.body.order.id}`, keys.trader);
        return o.body.order.status === "FILLED" ? o.body.order : undefined;
      });
      expect(Number(filled.filledQuantity)).toBe(1);
      expect(
        await eventually("the position", async () => ((await position()) === before + 1 ? true : undefined)),
      ).toBe(true);
    } finally {
      await call("DELETE", `/api/v1/orders/${sell.body.order.id}`, keys.maker);
    }
  });
});
