// Assembles the gRPC server: trading.pb.TradingEngine (fast codec on the batch path), grpc.health.v1.Health,
// server reflection, optional TLS / mTLS, and graceful shutdown.
import { readFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
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

export async function startEngine(config: EngineConfig, log: Logger): Promise<RunningEngine> {
  const runtime = new EngineRuntime(config);
  const state: ServiceState = { draining: false, streams: new Set() };
  const server = new Server({
    "grpc.max_receive_message_length": config.server.maxMessageBytes,
    "grpc.max_send_message_length": config.server.maxMessageBytes,
  });
  server.addService(TradingEngineFastService, createTradingService(runtime, log, state));

  const health = new HealthImplementation({ "": "SERVING", [TRADING_SERVICE_NAME]: "SERVING" });
  health.addToServer(server);

  new ReflectionService(reflectionPackage()).addToServer(server);

  const creds = credentials(config);
  const address = `${config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });

  let metricsServer: HttpServer | undefined;
  if (config.server.metricsPort !== 0) {
    const registry = createRegistry({
      stats: runtime.stats,
      openOrders: () => runtime.engine.openOrderCount(),
      mdSubscribers: () => runtime.hub.subscriberCount,
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
