// A local stand-in for Yahoo Finance's chart endpoint (v8/finance/chart/<symbol>), answering with the shape
// yahoo-finance2 validates. Prices per symbol are set by the test; an unknown symbol gets Yahoo's 404 body.
import { createServer, type Server } from "node:http";

export interface YahooStandIn {
  url: string;
  prices: Map<string, number>;
  requests: string[];
  close(): Promise<void>;
}

function chartBody(symbol: string, price: number) {
  const now = Math.floor(Date.now() / 1000);
  const period = { timezone: "EST", start: now - 3600, end: now + 3600, gmtoffset: -18000 };
  return {
    chart: {
      result: [
        {
          meta: {
            currency: "USD",
            symbol,
            exchangeName: "NMS",
            instrumentType: "EQUITY",
            firstTradeDate: 345479400,
            regularMarketTime: now,
            gmtoffset: -18000,
            timezone: "EST",
            exchangeTimezoneName: "America/New_York",
            regularMarketPrice: price,
            priceHint: 2,
            currentTradingPeriod: { pre: period, regular: period, post: period },
            dataGranularity: "1m",
            range: "",
            validRanges: ["1d", "5d"],
          },
          timestamp: [now - 60],
          indicators: {
            quote: [{ open: [price], high: [price], low: [price], close: [price], volume: [100] }],
          },
        },
      ],
      error: null,
    },
  };
}

export async function startYahooStandIn(prices: Record<string, number>): Promise<YahooStandIn> {
  const map = new Map(Object.entries(prices));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const m = /^\/v8\/finance\/chart\/([^?/]+)/.exec(req.url ?? "");
    const symbol = m ? decodeURIComponent(m[1]) : "";
    const price = map.get(symbol);
    res.setHeader("content-type", "application/json");
    if (price === undefined) {
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          chart: {
            result: null,
            error: { code: "Not Found", description: "No data found, symbol may be delisted" },
          },
        }),
      );
      return;
    }
    res.end(JSON.stringify(chartBody(symbol, price)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    prices: map,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
