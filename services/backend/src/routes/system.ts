// GET /health (dependencies; 503 when one is down), GET /ready (can take orders), GET /metrics (Prometheus),
// GET /api/v1/system/status (public status page data, no secrets).
import { HealthResponse, SystemStatusResponse } from "@hft/shared/api";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { type App, responses } from "../http/types.js";

type Check = { status: "ok" | "down" | "degraded"; latencyMs: number | null; message?: string };

async function timed(probe: () => Promise<string | undefined>, timeoutMs: number): Promise<Check> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const msg = await Promise.race([
      probe(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latencyMs = Math.round((performance.now() - t0) * 1000) / 1000;
    return msg === undefined ? { status: "ok", latencyMs } : { status: "degraded", latencyMs, message: msg };
  } catch (err) {
    return { status: "down", latencyMs: null, message: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkEngine(ctx: AppContext): Promise<Check & { version?: string; uptime?: number }> {
  let version: string | undefined;
  let uptime: number | undefined;
  const c = await timed(async () => {
    const h = await ctx.engine.healthCheck(1000);
    version = h.version;
    uptime = h.uptimeSeconds;
    if (!h.healthy) throw new Error(`engine reports ${h.status}`);
    if (!ctx.engine.streamConnected) throw new Error("order stream not connected");
    return undefined;
  }, 1500);
  return { ...c, version, uptime };
}

export function checkDatabase(ctx: AppContext): Promise<Check> {
  return timed(async () => {
    await ctx.pool.query("SELECT 1");
    return undefined;
  }, 1500);
}

export function checkFeed(ctx: AppContext): Check {
  if (ctx.feed.healthy) return { status: "ok", latencyMs: null };
  return {
    status: "down",
    latencyMs: null,
    message: ctx.feed.lastError ?? (ctx.feed.lastUpdate ? "feed is stale" : "no price yet"),
  };
}

const worst = (...s: Check["status"][]): Check["status"] =>
  s.includes("down") ? "down" : s.includes("degraded") ? "degraded" : "ok";

export function registerSystemRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/health",
    {
      schema: {
        tags: ["system"],
        summary: "Engine, database and price feed status (503 when one is down)",
        security: [],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_req, reply) => {
      const [engine, database] = await Promise.all([checkEngine(ctx), checkDatabase(ctx)]);
      const feed = checkFeed(ctx);
      const status = worst(engine.status, database.status, feed.status);
      reply.status(status === "down" ? 503 : 200);
      const { version: _v, uptime: _u, ...engineCheck } = engine;
      return { status, checks: { engine: engineCheck, database, feed } };
    },
  );

  app.get(
    "/ready",
    {
      schema: {
        tags: ["system"],
        summary: "200 once the backend can take orders (engine stream up, state reconciled)",
        security: [],
        response: {
          200: z.object({ ready: z.boolean() }),
          503: z.object({ ready: z.boolean(), reason: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      if (ctx.core.ready && ctx.engine.streamConnected) return { ready: true };
      reply.status(503);
      return {
        ready: false,
        reason:
          ctx.symbols.size === 0 ? "waiting for the engine's symbols" : "engine stream not connected yet",
      };
    },
  );

  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) => {
    reply.header("content-type", ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get(
    "/api/v1/system/status",
    {
      schema: {
        tags: ["system"],
        summary: "Platform status for the status page",
        security: [],
        response: responses({ 200: SystemStatusResponse }),
      },
    },
    async () => {
      const [engine, database, stats] = await Promise.all([
        checkEngine(ctx),
        checkDatabase(ctx),
        ctx.engine.getStats().catch(() => null),
      ]);
      const feed = checkFeed(ctx);
      return {
        status: worst(engine.status, database.status, feed.status),
        version: ctx.version,
        uptimeSeconds: Math.floor((Date.now() - ctx.startedAt) / 1000),
        time: new Date().toISOString(),
        engine: {
          status: engine.status,
          address: ctx.engine.address,
          latencyMs: engine.latencyMs,
          version: engine.version ?? null,
          uptimeSeconds: engine.uptime ?? null,
          openOrders: stats ? Number(stats.openOrders) : null,
          ordersReceived: stats ? Number(stats.ordersReceived) : null,
          trades: stats ? Number(stats.trades) : null,
          streamConnected: ctx.engine.streamConnected,
        },
        database: { status: database.status, latencyMs: database.latencyMs },
        feed: {
          status: feed.status,
          source: ctx.feed.source.name,
          lastUpdate: ctx.feed.lastUpdate?.toISOString() ?? null,
          symbols: ctx.feed.symbolCount,
        },
        persistence: {
          mode: ctx.writer.mode,
          queueDepth: ctx.writer.queueDepth,
          lastBatchSize: ctx.writer.lastBatchSize,
          lastFlushMs: ctx.writer.lastFlushMs,
        },
        orderAckLatencyMs: ctx.metrics.ackPercentilesMs(),
      };
    },
  );
}
