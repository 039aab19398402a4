// Launchers for the platform's own services (engine, backend). Each runs `node --import tsx <entry>` in its own
// process group (see process.ts) and resolves once the service is ready.

import { join } from "node:path";
import { credentials, Metadata } from "@grpc/grpc-js";
import { type HealthCheckResponse, TradingEngineClient } from "@hft/proto";
import { freePort, waitFor, waitForHttp, waitForPort } from "./net.js";
import { REPO_ROOT } from "./paths.js";
import { type ManagedProcess, startProcess } from "./process.js";

/** Options shared by every service launcher. */
export interface ServiceOptions {
  /** Extra environment (merged over process.env and the launcher's own settings). */
  env?: Record<string, string | undefined>;
  /** Append the service's output to this file. */
  logFile?: string;
  /** Forward the service's output, prefixed with its name, to this stream. */
  echo?: NodeJS.WritableStream;
  /** How long to wait for readiness (default 60 s). */
  readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
}

export interface RunningService extends ManagedProcess {
  port: number;
  /** Where clients reach it: "127.0.0.1:50051" for the engine, "http://127.0.0.1:8000" for HTTP services. */
  address: string;
}

/** Runs a TypeScript entry point with tsx inside the current Node (no npx/tsx wrapper processes). */
export function tsxCommand(entry: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", "tsx", entry] };
}

function withAddress(p: ManagedProcess, port: number, address: string): RunningService {
  return Object.assign(p, { port, address });
}

/** One gRPC HealthCheck call to the engine (trading.pb.TradingEngine/HealthCheck). */
export async function engineHealthCheck(address: string, timeoutMs = 2_000): Promise<HealthCheckResponse> {
  const client = new TradingEngineClient(address, credentials.createInsecure());
  try {
    return await new Promise<HealthCheckResponse>((resolve, reject) => {
      client.healthCheck({}, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  } finally {
    client.close();
  }
}

export interface StartEngineOptions extends ServiceOptions {
  /** gRPC port (default: a free one). */
  port?: number;
  /** Prometheus /metrics port (default 0 = disabled). */
  metricsPort?: number;
  /** Engine config.yaml (default services/engine/config.yaml). */
  config?: string;
  /** Built-in liquidity provider (default: the engine's own default). */
  liquidityProvider?: boolean;
  logLevel?: string;
}

/** Starts the matching engine and waits until its gRPC HealthCheck answers healthy. */
export async function startEngine(opts: StartEngineOptions = {}): Promise<RunningService> {
  const port = opts.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const { command, args } = tsxCommand(join(REPO_ROOT, "services/engine/src/main.ts"));
  const p = await startProcess({
    name: "engine",
    command,
    args,
    cwd: REPO_ROOT,
    env: {
      ENGINE_HOST: "127.0.0.1",
      ENGINE_PORT: String(port),
      ENGINE_METRICS_PORT: String(opts.metricsPort ?? 0),
      ...(opts.config ? { ENGINE_CONFIG: opts.config } : {}),
      ...(opts.liquidityProvider !== undefined
        ? { ENGINE_LIQUIDITY_PROVIDER: String(opts.liquidityProvider) }
        : {}),
      ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
      ...opts.env,
    },
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    ...(opts.echo ? { echo: opts.echo } : {}),
    ...(opts.stopTimeoutMs ? { stopTimeoutMs: opts.stopTimeoutMs } : {}),
    ready: async (_p, signal) => {
      const timeoutMs = opts.readyTimeoutMs ?? 60_000;
      await waitForPort(port, "127.0.0.1", { timeoutMs, signal, intervalMs: 200 });
      await waitFor(async () => (await engineHealthCheck(address)).healthy, {
        what: `engine HealthCheck on ${address}`,
        timeoutMs,
        signal,
        intervalMs: 200,
      });
    },
  });
  return withAddress(p, port, address);
}

export interface StartBackendOptions extends ServiceOptions {
  /** HTTP port (default: a free one). */
  port?: number;
  /** PostgreSQL URL (required). */
  databaseUrl: string;
  /** Engine gRPC address host:port (default 127.0.0.1:50051). */
  engineAddr?: string;
  /** DB pool size; must be 1 against the embedded PGlite (it serves one connection at a time). */
  maxPoolSize?: number;
  /** Token signing secret (default: the backend generates one at start). */
  authSecret?: string;
  logLevel?: string;
}

/** Starts the backend and waits until GET /ready answers 200. */
export async function startBackend(opts: StartBackendOptions): Promise<RunningService> {
  const port = opts.port ?? (await freePort());
  const address = `http://127.0.0.1:${port}`;
  const { command, args } = tsxCommand(join(REPO_ROOT, "services/backend/src/main.ts"));
  const p = await startProcess({
    name: "backend",
    command,
    args,
    cwd: REPO_ROOT,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: opts.databaseUrl,
      ENGINE_ADDR: opts.engineAddr ?? "127.0.0.1:50051",
      ...(opts.maxPoolSize !== undefined ? { MAX_POOL_SIZE: String(opts.maxPoolSize) } : {}),
      ...(opts.authSecret ? { AUTH_SECRET: opts.authSecret } : {}),
      ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
      ...opts.env,
    },
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    ...(opts.echo ? { echo: opts.echo } : {}),
    ...(opts.stopTimeoutMs ? { stopTimeoutMs: opts.stopTimeoutMs } : {}),
    ready: async (_p, signal) => {
      await waitForHttp(`${address}/ready`, {
        timeoutMs: opts.readyTimeoutMs ?? 60_000,
        signal,
        intervalMs: 200,
      });
    },
  });
  return withAddress(p, port, address);
}
