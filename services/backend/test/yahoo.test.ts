// The Yahoo Finance price source against a local stand-in server (never the internet).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YahooPriceSource } from "../src/prices/yahoo.js";
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
