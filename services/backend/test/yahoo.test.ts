// The Yahoo Finance price source against a local stand-in server (never the internet).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YahooPriceSource } from "../src/prices/yahoo.js";
import { type Stack, startStack, waitUntil } from "./support/stack.js";
import { startYahooStandIn, type YahooStandIn } from "./support/yahoo-standin.js";

describe("YahooPriceSource", () => {
  let yahoo: YahooStandIn;
  beforeAll(async () => {
    yahoo = await startYahooStandIn({ AAPL: 191.234, MSFT: 420.5 });
  });
  afterAll(() => yahoo.close());

  it("polls the chart endpoint and snaps the quote to the symbol's tick", async () => {
    const src = new YahooPriceSource(yahoo.url);
    const quotes = await src.poll([
      { symbol: "AAPL", tickSize: "0.01", startTicks: 19000 },
      { symbol: "MSFT", tickSize: "0.05", startTicks: 8400 },
    ]);
    const by = Object.fromEntries(quotes.map((q) => [q.symbol, q.priceTicks]));
    expect(by).toEqual({ AAPL: 19123, MSFT: 8410 });
    expect(yahoo.requests.some((u) => u.startsWith("/v8/finance/chart/AAPL?"))).toBe(true);
  });

  it("follows price changes of the source", async () => {
    const src = new YahooPriceSource(yahoo.url);
    yahoo.prices.set("AAPL", 200.01);
    const [q] = await src.poll([{ symbol: "AAPL", tickSize: "0.01", startTicks: 19000 }]);
    expect(q.priceTicks).toBe(20001);
  });

  it("skips a symbol the source does not know, and fails when none can be priced", async () => {
    const src = new YahooPriceSource(yahoo.url);
    const quotes = await src.poll([
      { symbol: "NOPE", tickSize: "0.01", startTicks: 100 },
      { symbol: "MSFT", tickSize: "0.01", startTicks: 42000 },
    ]);
    expect(quotes.map((q) => q.symbol)).toEqual(["MSFT"]);
    await expect(src.poll([{ symbol: "NOPE", tickSize: "0.01", startTicks: 100 }])).rejects.toThrow(
      /no symbol/,
    );
  });
});

describe("backend with PRICE_SOURCE=yahoo", () => {
  let yahoo: YahooStandIn;
  let stack: Stack;
  beforeAll(async () => {
    yahoo = await startYahooStandIn({ AAPL: 191.23, MSFT: 420, GOOGL: 170, AMZN: 185, TSLA: 250 });
    stack = await startStack({ PRICE_SOURCE: "yahoo", YAHOO_BASE_URL: yahoo.url, PRICE_INTERVAL_MS: "100" });
  });
  afterAll(async () => {
    await stack?.stop();
    await yahoo?.close();
  });

  it("the engine's reference price and the API's market price follow the Yahoo quotes", async () => {
    const engineRef = async () => (await stack.backend.ctx.engine.getOrderBook("AAPL", 1)).referencePrice;
    await waitUntil(async () => (await engineRef()) === 19_123, "engine reference 191.23");
    yahoo.prices.set("AAPL", 200.01);
    await waitUntil(async () => (await engineRef()) === 20_001, "engine reference 200.01");
    const r = await fetch(`${stack.url}/api/v1/market/prices`);
    const body = (await r.json()) as { prices: { symbol: string; price: string; source: string }[] };
    expect(body.prices.find((p) => p.symbol === "AAPL")).toMatchObject({ price: "200.01", source: "yahoo" });
    const health = await fetch(`${stack.url}/health`);
    expect(health.status).toBe(200);
  });

  it("/health reports the feed down when Yahoo stops answering", async () => {
    await yahoo.close();
    await waitUntil(async () => (await fetch(`${stack.url}/health`)).status === 503, "health 503", 15_000);
    const body = (await (await fetch(`${stack.url}/health`)).json()) as {
      checks: { feed: { status: string } };
    };
    expect(body.checks.feed.status).toBe("down");
  });
});
