// WebSocket /api/v1/stream protocol. Authenticate with ?token=<bearer> or ?apiKey=<key> in the URL, or with
// an {type:"auth"} first message. Then subscribe to market data per symbol; the user's own order updates and
// fills are pushed automatically once authenticated.
import { z } from "zod";
import { SymbolCode } from "./common.js";
import { BookLevel, type MarketTrade, type PriceTick } from "./market.js";
import type { Fill, Order } from "./orders.js";

export const StreamClientMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("auth"),
    token: z.string().max(2048).optional(),
    apiKey: z.string().max(256).optional(),
  }),
  z.object({ type: z.literal("subscribe"), symbols: z.array(SymbolCode).min(1).max(100) }),
  z.object({ type: z.literal("unsubscribe"), symbols: z.array(SymbolCode).min(1).max(100) }),
  z.object({ type: z.literal("ping") }),
]);
export type StreamClientMessage = z.infer<typeof StreamClientMessage>;

export const StreamBookTop = z.object({
  symbol: z.string(),
  bids: z.array(BookLevel),
  asks: z.array(BookLevel),
  bestBid: z.string().nullable(),
  bestAsk: z.string().nullable(),
});

export type StreamServerMessage =
  | { type: "welcome"; authenticated: boolean; userId: string | null }
  | { type: "subscribed"; symbols: string[] }
  | { type: "order"; order: z.infer<typeof Order> }
  | { type: "fill"; fill: z.infer<typeof Fill> }
  | { type: "book"; book: z.infer<typeof StreamBookTop> }
  | { type: "trade"; trade: z.infer<typeof MarketTrade> }
  | { type: "price"; price: z.infer<typeof PriceTick> }
  | { type: "pong" }
  | { type: "error"; code: string; message: string };
