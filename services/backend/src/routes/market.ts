// Symbols and market data (public: no credential needed). Book from the engine; trades and candles from the
// engine's market-data stream; prices from the configured feed.

import type { PriceLevel } from "@hft/proto";
import { formatDecimal, fromUnits, parseDecimal } from "@hft/shared";
import {
  BookQuery,
  BookResponse,
  type CandleInterval,
  CandlesQuery,
  CandlesResponse,
  PricesResponse,
  SymbolParams,
  SymbolsResponse,
  TradesQuery,
  TradesResponse,
} from "@hft/shared/api";
import type { AppContext } from "../context.js";
import { ApiError } from "../errors.js";
import { type App, responses } from "../http/types.js";
import { buildCandles } from "../live/marketData.js";
import type { SymbolSpec } from "../symbols.js";

const INTERVAL_MS: Record<CandleInterval, number> = {
  "1s": 1000,
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
};

function spec(ctx: AppContext, symbol: string): SymbolSpec {
  const s = ctx.symbols.get(symbol);
  if (!s) throw new ApiError(404, "UNKNOWN_SYMBOL", `unknown symbol "${symbol}"`);
  return s;
}

const px = (ticks: number, s: SymbolSpec) => fromUnits(ticks, s.tickSize);
const qty = (lots: number, s: SymbolSpec) => fromUnits(lots, s.lotSize);

export function levelsView(levels: PriceLevel[], s: SymbolSpec) {
  return levels.map((l) => ({
    price: px(l.price, s),
    quantity: qty(l.quantity, s),
    orderCount: l.orderCount,
  }));
}

export function registerMarketRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/v1/symbols",
    {
      schema: {
        tags: ["market"],
        summary: "Tradable symbols with tick/lot size, reference and market prices",
        security: [],
        response: responses({ 200: SymbolsResponse }),
      },
    },
    async () => ({
      symbols: ctx.symbols.all().map((s) => {
        const feed = ctx.feed.price(s.symbol);
        const last = ctx.market.lastTradePrice(s.symbol) ?? ctx.market.book(s.symbol)?.lastPrice ?? 0;
        return {
          symbol: s.symbol,
          tickSize: s.tickSize,
          lotSize: s.lotSize,
          // The engine's reference price follows the feed (pushed on every tick).
          referencePrice: px(feed ?? s.referencePrice, s),
          marketPrice: feed === null ? null : px(feed, s),
          lastTradePrice: last > 0 ? px(last, s) : null,
          priceBandBps: s.priceBandBps,
        };
      }),
    }),
  );

  app.get(
    "/api/v1/market/prices",
    {
      schema: {
        tags: ["market"],
        summary: "Latest price of every symbol from the configured feed",
        security: [],
        response: responses({ 200: PricesResponse }),
      },
    },
    async () => ({
      prices: ctx.feed.quotes().map((q) => ({
        symbol: q.symbol,
        price: px(q.priceTicks, spec(ctx, q.symbol)),
        source: ctx.feed.source.name,
        timestamp: q.timestamp.toISOString(),
      })),
    }),
  );

  app.get(
    "/api/v1/market/:symbol/book",
    {
      schema: {
        tags: ["market"],
        summary: "Order book snapshot from the engine",
        security: [],
        params: SymbolParams,
        querystring: BookQuery,
        response: responses({ 200: BookResponse }),
      },
    },
    async (req) => {
      const s = spec(ctx, req.params.symbol);
      let b: Awaited<ReturnType<typeof ctx.engine.getOrderBook>>;
      try {
        b = await ctx.engine.getOrderBook(s.symbol, req.query.depth);
      } catch {
        throw new ApiError(
          503,
          "ENGINE_UNAVAILABLE",
          "the matching engine is not available, try again shortly",
        );
      }
      return {
        symbol: s.symbol,
        bids: levelsView(b.bids, s),
        asks: levelsView(b.asks, s),
        bestBid: b.bestBid > 0 ? px(b.bestBid, s) : null,
        bestAsk: b.bestAsk > 0 ? px(b.bestAsk, s) : null,
        midPrice: b.bestBid > 0 && b.bestAsk > 0 ? halfOf(b.midPriceX2, s) : null,
        lastPrice: b.lastPrice > 0 ? px(b.lastPrice, s) : null,
        volume: qty(b.volume, s),
        referencePrice: b.referencePrice > 0 ? px(b.referencePrice, s) : null,
        timestamp: new Date().toISOString(),
      };
    },
  );

  app.get(
    "/api/v1/market/:symbol/trades",
    {
      schema: {
        tags: ["market"],
        summary: "Recent trades, newest first",
        security: [],
        params: SymbolParams,
        querystring: TradesQuery,
        response: responses({ 200: TradesResponse }),
      },
    },
    async (req) => {
      const s = spec(ctx, req.params.symbol);
      return {
        trades: ctx.market.recentTrades(s.symbol, req.query.limit).map((t) => ({
          tradeId: t.tradeId.toString(),
          symbol: s.symbol,
          price: px(t.price, s),
          quantity: qty(t.quantity, s),
          aggressorSide: t.aggressor,
          timestamp: new Date(t.timestampMs).toISOString(),
        })),
      };
    },
  );

  app.get(
    "/api/v1/market/:symbol/candles",
    {
      schema: {
        tags: ["market"],
        summary: "OHLCV candles built from the engine's trades",
        security: [],
        params: SymbolParams,
        querystring: CandlesQuery,
        response: responses({ 200: CandlesResponse }),
      },
    },
    async (req) => {
      const s = spec(ctx, req.params.symbol);
      const candles = buildCandles(
        ctx.market.allTrades(s.symbol),
        INTERVAL_MS[req.query.interval],
        req.query.limit,
      );
      return {
        symbol: s.symbol,
        interval: req.query.interval,
        candles: candles.map((c) => ({
          time: new Date(c.startMs).toISOString(),
          open: px(c.open, s),
          high: px(c.high, s),
          low: px(c.low, s),
          close: px(c.close, s),
          volume: qty(c.volume, s),
        })),
      };
    },
  );
}

/** (bid + ask) / 2 exactly: twice the mid as a decimal, halved as mantissa*5 with one more decimal place. */
function halfOf(ticksX2: number, s: SymbolSpec): string {
  const d = parseDecimal(fromUnits(ticksX2, s.tickSize));
  return formatDecimal({ mantissa: d.mantissa * 5n, scale: d.scale + 1 });
}
