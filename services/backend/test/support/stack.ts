// Test stack: a real PostgreSQL (devstack), the real engine process (devstack) and the backend in-process on a
// free port, talking over real HTTP/gRPC. `stop()` leaves no process behind.
import {
  applyMigrations,
  type RunningService,
  type StartedPostgres,
  startEngine,
  startPostgres,
} from "@hft/devstack";
import pg from "pg";
import WebSocket from "ws";
import { loadConfig } from "../../src/config/index.js";
import { type SeededUser, type SeedUserOptions, seedUser } from "../../src/db/seed.js";
import { type Backend, createBackend } from "../../src/wire.js";

export interface Stack {
  pg: StartedPostgres;
  engine: RunningService;
  backend: Backend;
  url: string;
  user(opts: Partial<SeedUserOptions> & { username: string }): Promise<SeededUser>;
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const db = await startPostgres({ fsync: false });
  let engine: RunningService | undefined;
  let backend: Backend | undefined;
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await applyMigrations(db.url);
    engine = await startEngine({ logLevel: "warn" });
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: db.url,
      ENGINE_ADDR: engine.address,
      AUTH_SECRET: "test-secret-0123456789abcdef",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      PRICE_INTERVAL_MS: "200",
      ...env,
    });
    backend = await createBackend(config);
    const url = await backend.start();
    const b = backend;
    await waitUntil(async () => b.ctx.core.ready, "backend ready");
    const e = engine;
    return {
      pg: db,
      engine: e,
      backend: b,
      url,
      async user(opts) {
        const c = await admin.connect();
        try {
          return await seedUser(c, { password: "password-123", ...opts });
        } finally {
          c.release();
        }
      },
      async sql(text, params) {
        return (await admin.query(text, params)).rows;
      },
      async stop() {
        await b.stop().catch(() => undefined);
        await admin.end().catch(() => undefined);
        await e.stop();
        await db.stop();
      },
    };
  } catch (err) {
    await backend?.stop().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await engine?.stop();
    await db.stop();
    throw err;
  }
}

export async function waitUntil(probe: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Res<T = unknown> {
  status: number;
  body: T;
}

/** Small JSON client: `api(url, key)("POST", "/api/v1/orders", body)`. */
export function client(baseUrl: string, apiKey?: string) {
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> => {
    const h: Record<string, string> = { ...headers };
    if (apiKey) h["x-api-key"] = apiKey;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: res.status, body: json as T };
  };
}

export type StreamMessage = { type: string; [k: string]: unknown };

/** Opens the user's WebSocket stream; every message received is appended to `msgs`. */
export async function openStream(
  baseUrl: string,
  apiKey: string,
): Promise<{ ws: WebSocket; msgs: StreamMessage[] }> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/v1/stream?apiKey=${apiKey}`);
  const msgs: StreamMessage[] = [];
  ws.on("message", (d) => msgs.push(JSON.parse(d.toString()) as StreamMessage));
  await new Promise((res, rej) => {
    ws.once("open", res);
    ws.once("error", rej);
  });
  return { ws, msgs };
}
