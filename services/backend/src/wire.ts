// Builds the backend from a validated Config: database, engine client, trading core, price feed, market data
// and live hub, wired together. main.ts runs it; tests run it in-process against the real engine and Postgres.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromUnits } from "@hft/shared";
import type { StreamServerMessage } from "@hft/shared/api";
import type { Logger } from "pino";
import { buildApp } from "./app.js";
import { Authenticator } from "./auth/authenticator.js";
import { type Config, corsOrigins } from "./config/index.js";
import type { AppContext } from "./context.js";
import { createPool, createPrisma } from "./db/client.js";
import { EngineClient } from "./engine/client.js";
import { type Gateways, startGateways } from "./gateway/host.js";
import type { App } from "./http/types.js";
import { LiveHub } from "./live/hub.js";
import { type BookTop, MarketDataStore } from "./live/marketData.js";
import { createLogger } from "./log.js";
import { Metrics } from "./metrics/index.js";
import { PersistenceWriter } from "./persistence/writer.js";
import { PriceFeed } from "./prices/feed.js";
import { SimulatedPriceSource } from "./prices/simulated.js";
import type { PriceSource } from "./prices/source.js";
import { YahooPriceSource } from "./prices/yahoo.js";
import { levelsView } from "./routes/market.js";
import { TradingCore } from "./state/core.js";
import { SymbolRegistry as Registry, type SymbolRegistry } from "./symbols.js";

export interface Backend {
  ctx: AppContext;
  app: App;
  /** listens on HOST:PORT and connects to the engine; resolves with the bound address */
  start(): Promise<string>;
  /** graceful: stop taking requests, drain persistence, close connections */
  stop(): Promise<void>;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

function parseStartPrices(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [sym, price] = part.split("=");
    out[sym] = price;
  }
  return out;
}

export function makePriceSource(config: Config): PriceSource {
  return config.PRICE_SOURCE === "yahoo"
    ? new YahooPriceSource(config.YAHOO_BASE_URL)
    : new SimulatedPriceSource(config.PRICE_SEED);
}

export async function createBackend(config: Config, logger?: Logger): Promise<Backend> {
  const log = logger ?? createLogger(config.LOG_LEVEL, config.LOG_FILE);
  let authSecret = config.AUTH_SECRET;
  if (!authSecret) {
    authSecret = randomBytes(32).toString("base64url");
    log.warn("AUTH_SECRET is not set: generated a random one, tokens will not survive a restart");
  }
  const metrics = new Metrics();
  const prisma = createPrisma(config.DATABASE_URL, config.MAX_POOL_SIZE);
  const pool = createPool(config.DATABASE_URL, config.MAX_POOL_SIZE);
  pool.on("error", (err) => log.warn({ err: err.message }, "idle database connection failed"));
  const engine = new EngineClient(
    config.ENGINE_ADDR,
    { ca: config.ENGINE_TLS_CA, cert: config.ENGINE_TLS_CERT, key: config.ENGINE_TLS_KEY },
    config.ENGINE_TIMEOUT_MS,
    log,
    metrics,
  );
  const symbols: SymbolRegistry = new Registry();
  const hub = new LiveHub(metrics);
  const market = new MarketDataStore(engine, log);
  const feed = new PriceFeed(
    makePriceSource(config),
    symbols,
    engine,
    config.PRICE_INTERVAL_MS,
    log,
    parseStartPrices(config.PRICE_START),
  );
  const writer = new PersistenceWriter(
    pool,
    config.PERSIST_MODE,
    config.PERSIST_MAX_BATCH,
    log,
    metrics,
    Math.max(1, Math.min(config.PERSIST_MAX_INFLIGHT, config.MAX_POOL_SIZE - 1)),
  );
  const core = new TradingCore(
    prisma,
    writer,
    engine,
    symbols,
    metrics,
    log,
    (s) => feed.price(s) ?? symbols.get(s)?.referencePrice ?? null,
    hub,
  );
  const auth = new Authenticator(prisma, authSecret);
  const ctx: AppContext = {
    config,
    authSecret,
    log,
    prisma,
    pool,
    engine,
    symbols,
    core,
    writer,
    feed,
    market,
    hub,
    metrics,
    auth,
    startedAt: Date.now(),
    version: readVersion(),
  };

  // Live market data to subscribed WebSocket clients.
  const bookMsg = (symbol: string, b: BookTop): StreamServerMessage | null => {
    const spec = symbols.get(symbol);
    if (!spec) return null;
    const top = (l: { price: number }[]) => (l.length > 0 ? fromUnits(l[0].price, spec.tickSize) : null);
    return {
      type: "book",
      book: {
        symbol,
        bids: levelsView(b.bids, spec),
        asks: levelsView(b.asks, spec),
        bestBid: top(b.bids),
        bestAsk: top(b.asks),
      },
    };
  };
  market.onBook = (symbol, b) => {
    // The engine sends a book update per changed symbol per command batch: only format it for subscribers.
    if (!hub.wantsMarket(symbol)) return;
    const m = bookMsg(symbol, b);
    if (m) hub.market(symbol, m);
  };
  market.onTrade = (symbol, t) => {
    if (!hub.wantsMarket(symbol)) return;
    const spec = symbols.get(symbol);
    if (!spec) return;
    hub.market(symbol, {
      type: "trade",
      trade: {
        tradeId: t.tradeId.toString(),
        symbol,
        price: fromUnits(t.price, spec.tickSize),
        quantity: fromUnits(t.quantity, spec.lotSize),
        aggressorSide: t.aggressor,
        timestamp: new Date(t.timestampMs).toISOString(),
      },
    });
  };
  const priceMsg = (q: {
    symbol: string;
    priceTicks: number;
    timestamp: Date;
  }): StreamServerMessage | null => {
    const spec = symbols.get(q.symbol);
    if (!spec) return null;
    return {
      type: "price",
      price: {
        symbol: q.symbol,
        price: fromUnits(q.priceTicks, spec.tickSize),
        source: feed.source.name,
        timestamp: q.timestamp.toISOString(),
      },
    };
  };
  feed.onQuotes = (quotes) => {
    for (const q of quotes) {
      const m = priceMsg(q);
      if (m) hub.market(q.symbol, m);
    }
  };
  hub.snapshotOf = (symbol) => {
    const out: StreamServerMessage[] = [];
    const b = market.book(symbol);
    const bm = b ? bookMsg(symbol, b) : null;
    if (bm) out.push(bm);
    const q = feed.quotes().find((x) => x.symbol === symbol);
    const pm = q ? priceMsg(q) : null;
    if (pm) out.push(pm);
    return out;
  };

  // Engine connection lifecycle: (re)connected -> symbols, open orders, reconcile, ready; down -> not ready.
  let bootstrapping = false;
  let stopped = false;
  const bootstrap = async (): Promise<void> => {
    if (bootstrapping || stopped) return;
    bootstrapping = true;
    try {
      if (symbols.size === 0) {
        symbols.load(await engine.getSymbols(), (s) =>
          log.warn({ symbol: s }, "symbol skipped: tick * lot is not a whole number of cents"),
        );
      }
      const h = await engine.healthCheck(2000).catch(() => null);
      if (h && h.startTimeUnixMs > 0) market.engineStartMs = h.startTimeUnixMs;
      await core.loadOpenOrders();
      await core.reconcile();
      core.ready = true;
      feed.startTimer();
      market.start();
      log.info({ engine: engine.address, symbols: symbols.size }, "engine connected; ready for orders");
    } catch (err) {
      log.warn({ err: (err as Error).message }, "bootstrap with the engine failed; retrying");
      setTimeout(() => {
        if (engine.streamConnected) void bootstrap();
      }, 1000).unref();
    } finally {
      bootstrapping = false;
    }
  };
  engine.onStreamUp = () => void bootstrap();
  const failPending = engine.onStreamDown;
  engine.onStreamDown = (err) => {
    if (core.ready) log.warn({ err: err.message }, "engine order stream down; not taking orders");
    core.ready = false;
    failPending(err);
  };

  // WORKER_THREADS > 1: gateway threads take the public port and the main thread's listener is loopback-only,
  // reached through them; it trusts them for the client address (X-Forwarded-For).
  const threads = config.WORKER_THREADS;
  const app = await buildApp(ctx, threads > 1 ? { trustProxy: config.TRUST_PROXY || "127.0.0.1" } : {});
  let gateways: Gateways | null = null;
  let stopping: Promise<void> | undefined;

  return {
    ctx,
    app,
    async start() {
      if (threads <= 1) {
        const address = await app.listen({ host: config.HOST, port: config.PORT });
        engine.connectStream();
        return address;
      }
      const upstream = await app.listen({ host: "127.0.0.1", port: 0 });
      gateways = await startGateways({
        count: threads,
        host: config.HOST,
        port: config.PORT,
        upstream,
        authSecret,
        databaseUrl: config.DATABASE_URL,
        logLevel: config.LOG_LEVEL,
        ...(config.LOG_FILE ? { logFile: config.LOG_FILE } : {}),
        trustProxy: config.TRUST_PROXY,
        corsOrigins: corsOrigins(config),
        entry: core,
        log,
        onCrash: (err) => {
          // Fail fast: a backend silently serving with fewer threads is worse than a restart.
          log.fatal({ err: err.message }, "an HTTP gateway thread died; exiting");
          process.exit(1);
        },
      });
      auth.onInvalidate = () => gateways?.invalidateAuth();
      engine.connectStream();
      return gateways.address;
    },
    stop() {
      // Idempotent: a second call waits for the first.
      stopping ??= (async () => {
        stopped = true;
        core.ready = false;
        await gateways?.stop();
        await app.close();
        feed.stop();
        market.stop();
        await writer.drain();
        engine.close();
        await prisma.$disconnect();
        await pool.end();
      })();
      return stopping;
    },
  };
}
