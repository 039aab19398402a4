// Yahoo Finance source (yahoo-finance2 `chart`, no crumb needed). `baseUrl` redirects every request to another
// host — tests use a local stand-in server; production leaves it unset (needs internet).
import { toUnits } from "@hft/shared";
import YahooFinance from "yahoo-finance2";
import type { PriceQuote, PriceSource } from "./source.js";

type FetchFn = typeof fetch;

export class YahooPriceSource implements PriceSource {
  readonly name = "yahoo";
  private readonly yf: InstanceType<typeof YahooFinance>;

  constructor(baseUrl?: string) {
    const redirect: FetchFn | undefined = baseUrl
      ? (input, init) => {
          const url = new URL(
            typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
          );
          const target = new URL(url.pathname + url.search, baseUrl);
          return fetch(target, init);
        }
      : undefined;
    this.yf = new YahooFinance({
      suppressNotices: ["yahooSurvey", "ripHistorical"],
      validation: { logErrors: false },
      ...(redirect ? { fetch: redirect } : {}),
    });
  }

  async poll(symbols: { symbol: string; tickSize: string; startTicks: number }[]): Promise<PriceQuote[]> {
    const out: PriceQuote[] = [];
    // One symbol Yahoo cannot price must not stop the others; only when none answers is the poll a failure.
    const results = await Promise.allSettled(
      symbols.map(async (s) => {
        const res = await this.yf.chart(s.symbol, {
          period1: new Date(Date.now() - 86_400_000),
          interval: "1m",
        });
        const price = res.meta.regularMarketPrice;
        if (typeof price !== "number" || !Number.isFinite(price) || price <= 0) return;
        // A quote is a measurement, not an order: snap it to the symbol's tick (the only place we round).
        const decimals = (s.tickSize.split(".")[1] ?? "").length;
        const snapped = (Math.round(price / Number(s.tickSize)) * Number(s.tickSize)).toFixed(decimals);
        out.push({ symbol: s.symbol, priceTicks: toUnits(snapped, s.tickSize), timestamp: new Date() });
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length === symbols.length && failed.length > 0) {
      throw new Error(`yahoo: no symbol could be priced: ${(failed[0].reason as Error).message}`);
    }
    return out;
  }
}
