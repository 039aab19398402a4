import type { Pool } from "pg";
import type pg from "pino";
import type { Authenticator } from "./auth/authenticator.js";
import type { Config } from "./config/index.js";
import type { PrismaClient } from "./db/client.js";
import type { EngineClient } from "./engine/client.js";
import type { LiveHub } from "./live/hub.js";
import type { MarketDataStore } from "./live/marketData.js";
import type { Metrics } from "./metrics/index.js";
import type { PersistenceWriter } from "./persistence/writer.js";
import type { PriceFeed } from "./prices/feed.js";
import type { TradingCore } from "./state/core.js";
import type { SymbolRegistry } from "./symbols.js";

/** Everything the routes need, wired once in main.ts (or by tests). */
export interface AppContext {
  config: Config;
  authSecret: string;
  log: pg.Logger;
  prisma: PrismaClient;
  pool: Pool;
  engine: EngineClient;
  symbols: SymbolRegistry;
  core: TradingCore;
  writer: PersistenceWriter;
  feed: PriceFeed;
  market: MarketDataStore;
  hub: LiveHub;
  metrics: Metrics;
  auth: Authenticator;
  startedAt: number;
  version: string;
}
