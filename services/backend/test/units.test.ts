// Pure parts: position accounting, risk rules, rate limiting, the simulated feed, config validation, cursors.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/index.js";
import { ApiError } from "../src/errors.js";
import { decodeCursor, encodeCursor } from "../src/http/pagination.js";
import { createLogger } from "../src/log.js";
import { centsToString, parseCents } from "../src/money.js";
import { applyFill, type PositionState } from "../src/portfolio/math.js";
import { portfolioView } from "../src/portfolio/view.js";
import { SimulatedPriceSource } from "../src/prices/simulated.js";
import { checkOrder, type ResolvedLimits, type RiskInput, TokenBucket } from "../src/risk/rules.js";
import type { UserState } from "../src/state/types.js";
import { SymbolRegistry } from "../src/symbols.js";

describe("position accounting (average cost, cents)", () => {
  const pos = (): PositionState => ({ quantity: 0n, costBasis: 0n, realizedPnl: 0n });

  it("buys add to cost; a partial sell realizes P&L against the average cost", () => {
    const p = pos();
    expect(applyFill(p, "BUY", 10n, 10_000n, 1n)).toBe(-100_000n); // 10 @ 100.00
    applyFill(p, "BUY", 10n, 11_000n, 1n); // 10 @ 110.00 -> avg 105.00
    expect(p).toEqual({ quantity: 20n, costBasis: 210_000n, realizedPnl: 0n });
    expect(applyFill(p, "SELL", 5n, 12_000n, 1n)).toBe(60_000n); // sell 5 @ 120.00
    expect(p).toEqual({ quantity: 15n, costBasis: 157_500n, realizedPnl: 7_500n }); // (120-105)*5
  });

  it("selling through zero closes the long and opens a short at the trade price", () => {
    const p = pos();
    applyFill(p, "BUY", 3n, 10_000n, 1n);
    applyFill(p, "SELL", 5n, 9_000n, 1n);
    expect(p).toEqual({ quantity: -2n, costBasis: -18_000n, realizedPnl: -3_000n });
    applyFill(p, "BUY", 2n, 8_000n, 1n); // cover the short at a profit
    expect(p).toEqual({ quantity: 0n, costBasis: 0n, realizedPnl: -1_000n }); // -30.00 + 20.00
  });
});

describe("pre-trade risk rules", () => {
  const limits: ResolvedLimits = {
    maxPositionLots: 100n,
    maxOrderLots: 50n,
    maxOrderNotionalCents: 100_000n, // 1,000.00
    priceCollarBps: 500,
    ordersPerSecond: 10,
    orderBurst: 2,
  };
  const base: RiskInput = {
    side: "BUY",
    type: "LIMIT",
    priceTicks: 10_000,
    quantityLots: 10,
    referencePriceTicks: 10_000,
    centsPerUnit: 1n,
    positionLots: 0n,
    openBuyLots: 0n,
    openSellLots: 0n,
    cashCents: 10_000_000n,
    reservedCents: 0n,
  };
  const code = (over: Partial<RiskInput>) => checkOrder({ ...base, ...over }, limits)?.code ?? null;

  it.each([
    ["within every limit", {}, null],
    ["order quantity", { quantityLots: 51 }, "RISK_MAX_ORDER_QUANTITY"],
    ["collar above", { priceTicks: 10_501 }, "RISK_PRICE_COLLAR"],
    ["collar edge is allowed", { priceTicks: 10_500, quantityLots: 9 }, null],
    ["collar below", { priceTicks: 9_499 }, "RISK_PRICE_COLLAR"],
    ["notional", { quantityLots: 11 }, "RISK_MAX_ORDER_NOTIONAL"],
    ["position incl. open buys", { positionLots: 80n, openBuyLots: 15n }, "RISK_MAX_POSITION"],
    ["short position", { side: "SELL", positionLots: -95n, quantityLots: 6 }, "RISK_MAX_POSITION"],
    ["buying power", { cashCents: 150_000n, reservedCents: 60_000n }, "RISK_BUYING_POWER"],
    ["sells need no cash", { side: "SELL", cashCents: 0n }, null],
    [
      "market without reference",
      { type: "MARKET", priceTicks: null, referencePriceTicks: null },
      "RISK_NO_REFERENCE_PRICE",
    ],
    [
      "market buy valued at the top of the collar",
      { type: "MARKET", priceTicks: null, quantityLots: 9, cashCents: 90_000n },
      "RISK_BUYING_POWER",
    ],
  ] as [string, Partial<RiskInput>, string | null][])("%s", (_name, over, want) => {
    expect(code(over)).toBe(want);
  });

  it("token bucket allows the burst, then the sustained rate", () => {
    const b = new TokenBucket(10, 2, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(50)).toBe(false); // half a token
    expect(b.take(100)).toBe(true); // one token after 100 ms at 10/s
  });
});

describe("simulated price feed", () => {
  const walk = (seed: number) => {
    const s = new SimulatedPriceSource(seed);
    return Array.from({ length: 50 }, () => s.step("AAPL", 19_000));
  };

  it("is deterministic per seed and starts at the start price", () => {
    expect(walk(7)).toEqual(walk(7));
    expect(walk(7)).not.toEqual(walk(8));
    expect(walk(7)[0]).toBe(19_000);
  });

  it("stays a positive integer near the start price", () => {
    const s = new SimulatedPriceSource(1, 50);
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const p = s.step("TSLA", 25_000);
      expect(Number.isInteger(p)).toBe(true);
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    expect(min).toBeGreaterThan(25_000 * 0.7);
    expect(max).toBeLessThan(25_000 * 1.3);
  });
});

describe("configuration", () => {
  const ok = { DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db" };

  it("applies defaults and treats empty strings as unset", () => {
    const c = loadConfig({ ...ok, PORT: "", ENGINE_ADDR: "" });
    expect(c.PORT).toBe(8000);
    expect(c.ENGINE_ADDR).toBe("127.0.0.1:50051");
    expect(c.PERSIST_MODE).toBe("group");
  });

  it.each([
    [{}, /DATABASE_URL is required/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must be a postgres/],
    [{ ...ok, PORT: "70000" }, /PORT/],
    [{ ...ok, ENGINE_ADDR: "nohost" }, /ENGINE_ADDR must be host:port/],
    [{ ...ok, MAX_POOL_SIZE: "0" }, /MAX_POOL_SIZE/],
    [{ ...ok, PRICE_SOURCE: "bloomberg" }, /PRICE_SOURCE/],
    [{ ...ok, AUTH_SECRET: "short" }, /at least 16/],
    [{ ...ok, PRICE_START: "AAPL:190" }, /PRICE_START must look like/],
    [{ ...ok, ENGINE_TLS_CERT: "/c.pem" }, /set together/],
    [{ ...ok, ENGINE_TLS_CA: "/nonexistent/ca.pem" }, /ENGINE_TLS_CA: cannot read file/],
  ] as [Record<string, string>, RegExp][])("rejects %j", (env, msg) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(msg);
  });
});

describe("money and cursors", () => {
  it("formats and parses cents exactly, never rounding", () => {
    expect(centsToString(-5n)).toBe("-0.05");
    expect(centsToString(123_456n)).toBe("1234.56");
    expect(parseCents("1234.5")).toBe(123_450n);
    expect(() => parseCents("1.001")).toThrow(RangeError);
  });

  it("cursors round-trip and forged ones are 400s", () => {
    const key = { createdAt: new Date("2026-11-24T12:00:00.123Z"), id: 383_600_237_748_420_608n };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(undefined)).toBeUndefined();
    const forged = ["AAAA", "v2:1:-1", `v2:1:${"9".repeat(19)}`, "v1:5", "v2:abc:1"].map((t) =>
      t === "AAAA" ? t : Buffer.from(t).toString("base64url"),
    );
    for (const bad of forged) {
      try {
        decodeCursor(bad);
        expect.unreachable(`cursor ${bad} accepted`);
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).statusCode).toBe(400);
      }
    }
  });
});

describe("logging", () => {
  it("writes JSON lines to LOG_FILE with credentials redacted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hft-log-"));
    try {
      const file = join(dir, "sub", "backend.log");
      const log = createLogger("info", file);
      log.info(
        { password: "hunter2", req: { headers: { "x-api-key": "hft_secret", authorization: "Bearer t" } } },
        "hello",
      );
      log.flush();
      await new Promise((r) => setTimeout(r, 200));
      const lines = readFileSync(file, "utf8").trim().split("\n");
      const rec = JSON.parse(lines[lines.length - 1]);
      expect(rec).toMatchObject({ msg: "hello", service: "backend", password: "[redacted]" });
      expect(rec.req.headers["x-api-key"]).toBe("[redacted]");
      expect(lines.join("\n")).not.toMatch(/hunter2|hft_secret|Bearer t/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("portfolio valuation", () => {
  it("marks positions to the given prices, exactly in cents, with a 2-decimal breakdown", () => {
    const symbols = new SymbolRegistry();
    symbols.load([
      {
        symbol: "AAPL",
        tickSize: "0.01",
        lotSize: "1",
        referencePrice: 19_000,
        priceBandBps: 1000,
        maxOrderQuantity: 0,
        maxOrderNotional: 0,
      },
      {
        symbol: "MSFT",
        tickSize: "0.01",
        lotSize: "1",
        referencePrice: 42_000,
        priceBandBps: 1000,
        maxOrderQuantity: 0,
        maxOrderNotional: 0,
      },
    ]);
    const aapl = { quantity: 0n, costBasis: 0n, realizedPnl: 0n, version: 0n };
    applyFill(aapl, "BUY", 10n, 19_000n, 1n); // 10 @ 190.00
    const msft = { quantity: 0n, costBasis: 0n, realizedPnl: 0n, version: 0n };
    applyFill(msft, "BUY", 3n, 42_000n, 1n); // 3 @ 420.00
    applyFill(msft, "SELL", 1n, 43_000n, 1n); // realize +10.00
    const u = {
      cash: 100_000_00n - 1_900_00n - 1_260_00n + 430_00n,
      reserved: 500_00n,
      positions: new Map([
        ["AAPL", aapl],
        ["MSFT", msft],
      ]),
    } as unknown as UserState; // only the fields the valuation reads
    const marks: Record<string, number> = { AAPL: 20_000, MSFT: 41_000 };
    const p = portfolioView(u, symbols, (s) => marks[s] ?? null);
    expect(p).toMatchObject({
      cash: "97270.00",
      reservedCash: "500.00",
      buyingPower: "96770.00",
      positionsValue: "2820.00", // 10*200 + 2*410
      totalValue: "100090.00",
      costBasis: "2740.00", // 1900 + 2*420
      realizedPnl: "10.00",
      unrealizedPnl: "80.00", // +100 - 20
    });
    expect(
      p.positions.map((x) => [
        x.symbol,
        x.quantity,
        x.averageCost,
        x.marketValue,
        x.unrealizedPnl,
        x.weightPercent,
      ]),
    ).toEqual([
      ["AAPL", "10", "190", "2000.00", "100.00", "2.00"],
      ["MSFT", "2", "420", "820.00", "-20.00", "0.82"],
    ]);
  });
});
