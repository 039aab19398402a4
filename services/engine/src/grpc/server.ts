// Assembles the gRPC server: trading.pb.TradingEngine (fast codec on the batch path), grpc.health.v1.Health,
// server reflection, optional TLS / mTLS, and graceful shutdown.

import type { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import type { Http2Session } from "node:http2";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { TradingEngineFastService } from "@hft/proto";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "pino";
import type { EngineConfig } from "../config/index.js";
import { createRegistry, startMetricsServer } from "../stats/prometheus.js";
import { reflectionPackage } from "./reflection.js";
import { EngineRuntime } from "./runtime.js";
import { createTradingService, type ServiceState } from "./service.js";

export const TRADING_SERVICE_NAME = "trading.pb.TradingEngine";

export interface RunningEngine {
  runtime: EngineRuntime;
  server: Server;
  /** Bound gRPC port (useful with port 0). */
  port: number;
  metricsPort: number | undefined;
  /** Graceful: health NOT_SERVING, refuse new work, finish what arrived, end streams, close. */
  shutdown(reason?: string): Promise<void>;
}

function credentials(config: EngineConfig): ServerCredentials {
  const { cert, key, ca } = config.tls;
  if (cert === undefined || key === undefined) return ServerCredentials.createInsecure();
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  const rootCerts = ca !== undefined ? read("CA", ca) : null;
  return ServerCredentials.createSsl(
    rootCerts,
    [{ cert_chain: read("certificate", cert), private_key: read("key", key) }],
    rootCerts !== null, // mTLS: require and verify a client certificate
  );
}

/** HTTP/2 flow-control window per stream and per connection (bytes). */
export const HTTP2_WINDOW_BYTES = 32 * 1024 * 1024;

/**
 * grpc-js has no server option for the HTTP/2 receive window, so every OrderStream would be limited to the
 * 64 KiB default: a pipelining client stalls until the server's WINDOW_UPDATE comes back, every 64 KiB
 * (measured: the batched stream ran at half speed with both processes idle half the time). grpc-js passes
 * `commonServerOptions.settings` to http2.createServer when it binds, so set the initial window there and
 * widen the connection window on each session. Reading a private field: checked at start, a no-op if absent.
 */
function raiseHttp2Windows(server: Server): void {
  const internals = server as unknown as { commonServerOptions?: { settings?: Record<string, unknown> } };
  const common = internals.commonServerOptions;
  if (common === undefined) return;
  common.settings = { ...common.settings, initialWindowSize: HTTP2_WINDOW_BYTES };
}

/** After bind: widen each new connection's window too (the per-stream setting does not cover it). */
function raiseConnectionWindows(server: Server): void {
  const internals = server as unknown as { http2Servers?: Map<EventEmitter, unknown> };
  for (const h2 of internals.http2Servers?.keys() ?? []) {
    h2.on("session", (session: Http2Session) => {
      session.once("connect", () => session.setLocalWindowSize(HTTP2_WINDOW_BYTES));
      if (!session.connecting) session.setLocalWindowSize(HTTP2_WINDOW_BYTES);
    });
  }
}

export async function startEngine(config: EngineConfig, log: Logger): Promise<RunningEngine> {
  const runtime = new EngineRuntime(config);
  const state: ServiceState = { draining: false, streams: new Set() };
  const server = new Server({
    "grpc.max_receive_message_length": config.server.maxMessageBytes,
    "grpc.max_send_message_length": config.server.maxMessageBytes,
  });
  raiseHttp2Windows(server);
  server.addService(TradingEngineFastService, createTradingService(runtime, log, state));

  const health = new HealthImplementation({ "": "SERVING", [TRADING_SERVICE_NAME]: "SERVING" });
  health.addToServer(server);

  new ReflectionService(reflectionPackage()).addToServer(server);

  const creds = credentials(config);
  const address = `${config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  raiseConnectionWindows(server);

  let metricsServer: HttpServer | undefined;
  if (config.server.metricsPort !== 0) {
    const registry = createRegistry({
      stats: runtime.stats,
      openOrders: () => runtime.engine.openOrderCount(),
      mdSubscribers: () => runtime.hub.subscriberCount,
      mdSubscribersDropped: () => runtime.hub.dropped,
    });
    metricsServer = await startMetricsServer(registry, config.server.host, config.server.metricsPort);
  }
  const metricsAddr = metricsServer?.address();
  const metricsPort = typeof metricsAddr === "object" && metricsAddr !== null ? metricsAddr.port : undefined;

  runtime.startTimers();
  log.info(
    {
      port,
      host: config.server.host,
      metricsPort,
      tls: config.tls.cert !== undefined,
      mtls: config.tls.ca !== undefined,
      symbols: config.symbols.map((s) => s.symbol),
      liquidityProvider: config.liquidityProvider.enabled,
    },
    "engine listening",
  );

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = "shutdown"): Promise<void> => {
    if (shuttingDown !== undefined) return shuttingDown;
    shuttingDown = (async () => {
      log.info({ reason }, "engine shutting down");
      state.draining = true;
      health.setStatus("", "NOT_SERVING");
      health.setStatus(TRADING_SERVICE_NAME, "NOT_SERVING");
      runtime.stopTimers();
      // Batches execute synchronously as they arrive, so everything received is already answered. Give
      // clients a moment to read their last reports, then end the streams from our side.
      await new Promise((r) => setTimeout(r, 200));
      for (const s of [...state.streams]) s.end();
      runtime.hub.closeAll("engine is shutting down");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn("graceful shutdown timed out: forcing");
          server.forceShutdown();
          resolve();
        }, config.server.shutdownTimeoutMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (metricsServer !== undefined) {
        const ms = metricsServer;
        await new Promise<void>((r) => {
          ms.close(() => r());
          ms.closeAllConnections();
        });
      }
      log.info({ stats: runtime.stats.toMessage(runtime.engine.openOrderCount()) }, "engine stopped");
    })();
    return shuttingDown;
  };

  return { runtime, server, port, metricsPort, shutdown };
}
