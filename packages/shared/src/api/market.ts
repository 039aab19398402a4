import { z } from "zod";
import { Side, SymbolCode, Timestamp } from "./common.js";

export const SymbolInfo = z.object({
  symbol: z.string(),
  tickSize: z.string(),
  lotSize: z.string(),
  /** engine reference price (follows the price feed) */
  referencePrice: z.string().nullable(),
  /** latest price from the configured price feed */
  marketPrice: z.string().nullable(),
  lastTradePrice: z.string().nullable(),
  priceBandBps: z.number().int(),
});
export type SymbolInfo = z.infer<typeof SymbolInfo>;

export const SymbolsResponse = z.object({ symbols: z.array(SymbolInfo) });
export type SymbolsResponse = z.infer<typeof SymbolsResponse>;

export const SymbolParams = z.object({ symbol: SymbolCode });

export const BookQuery = z
  .object({
    depth: z.coerce.number().int("depth must be an integer").min(1).max(50).default(10),
  })
  .strict();

export const BookLevel = z.object({ price: z.string(), quantity: z.string(), orderCount: z.number().int() });
export type BookLevel = z.infer<typeof BookLevel>;

export const BookResponse = z.object({
  symbol: z.string(),
  bids: z.array(BookLevel),
  asks: z.array(BookLevel),
  bestBid: z.string().nullable(),
  bestAsk: z.string().nullable(),
  midPrice: z.string().nullable(),
  lastPrice: z.string().nullable(),
  volume: z.string(),
  referencePrice: z.string().nullable(),
  timestamp: Timestamp,
});
export type BookResponse = z.infer<typeof BookResponse>;

export const MarketTrade = z.object({
  tradeId: z.string(),
  symbol: z.string(),
  price: z.string(),
  quantity: z.string(),
  aggressorSide: Side,
  timestamp: Timestamp,
});
export type MarketTrade = z.infer<typeof MarketTrade>;

export const TradesQuery = z
  .object({ limit: z.coerce.number().int("limit must be an integer").min(1).max(1000).default(100) })
  .strict();

export const TradesResponse = z.object({ trades: z.array(MarketTrade) });
export type TradesResponse = z.infer<typeof TradesResponse>;

export const CandleInterval = z.enum(["1s", "1m", "5m", "15m", "1h"]);
export type CandleInterval = z.infer<typeof CandleInterval>;

export const CandlesQuery = z
  .object({
    interval: CandleInterval.default("1m"),
    limit: z.coerce.number().int("limit must be an integer").min(1).max(1000).default(100),
  })
  .strict();

export const Candle = z.object({
  /** bucket start */
  time: Timestamp,
  open: z.string(),
  high: z.string(),
  low: z.string(),
  close: z.string(),
  volume: z.string(),
});
export type Candle = z.infer<typeof Candle>;

export const CandlesResponse = z.object({
  symbol: z.string(),
  interval: CandleInterval,
  candles: z.array(Candle),
});
export type CandlesResponse = z.infer<typeof CandlesResponse>;

/** A price-feed tick (what the engine's reference price follows). */
export const PriceTick = z.object({
  symbol: z.string(),
  price: z.string(),
  source: z.string(),
  timestamp: Timestamp,
});
export type PriceTick = z.infer<typeof PriceTick>;

/** GET /api/v1/market/prices — latest feed price per symbol. */
export const PricesResponse = z.object({ prices: z.array(PriceTick) });
export type PricesResponse = z.infer<typeof PricesResponse>;
