// TLS to the engine: the engine runs with mutual TLS (its own CA, server and client certificates made with
// openssl for this test); the backend connects with ENGINE_TLS_CA/CERT/KEY and trades, and without a client
// certificate it cannot open the order stream (never ready), while its HTTP API keeps answering.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyMigrations,
  freePort,
  type ManagedProcess,
  REPO_ROOT,
  type StartedPostgres,
  startPostgres,
  startProcess,
  tsxCommand,
  waitForPort,
} from "@hft/devstack";
import type { OrderResponse } from "@hft/shared/api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { seedUser } from "../src/db/seed.js";
import { type Backend, createBackend } from "../src/wire.js";
import { client, waitUntil } from "./support/stack.js";

let dir: string;
let db: StartedPostgres;
let engine: ManagedProcess;
let enginePort: number;
const backends: Backend[] = [];

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

function makeCertificates(): void {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=hft-test-ca",
  );
  writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  for (const [name, ext] of [
    ["server", ["-extfile", "server.ext"]],
    ["client", []],
  ] as const) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name === "server" ? "localhost" : "hft-backend"}`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      ...ext,
    );
  }
}

async function backendWith(env: Record<string, string>): Promise<Backend> {
  const b = await createBackend(
    loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: db.url,
      ENGINE_ADDR: `127.0.0.1:${enginePort}`,
      AUTH_SECRET: "test-secret-0123456789abcdef",
      LOG_LEVEL: "silent",
      ...env,
    }),
  );
  backends.push(b);
  return b;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hft-tls-"));
  makeCertificates();
  db = await startPostgres({ fsync: false });
  await applyMigrations(db.url);
  enginePort = await freePort();
  const { command, args } = tsxCommand(join(REPO_ROOT, "services/engine/src/main.ts"));
  engine = await startProcess({
    name: "engine-tls",
    command,
    args,
    cwd: REPO_ROOT,
    env: {
      ENGINE_HOST: "127.0.0.1",
      ENGINE_PORT: String(enginePort),
      ENGINE_METRICS_PORT: "0",
      ENGINE_TLS_CERT: join(dir, "server.pem"),
      ENGINE_TLS_KEY: join(dir, "server.key"),
      ENGINE_TLS_CA: join(dir, "ca.pem"),
      LOG_LEVEL: "warn",
    },
    ready: (_p, signal) =>
      waitForPort(enginePort, "127.0.0.1", { timeoutMs: 60_000, signal, intervalMs: 200 }),
  });
});

afterAll(async () => {
  for (const b of backends) await b.stop().catch(() => undefined);
  await engine?.stop();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("backend -> engine over mutual TLS", () => {
  it("trades with the CA and a client certificate", async () => {
    const b = await backendWith({
      ENGINE_TLS_CA: join(dir, "ca.pem"),
      ENGINE_TLS_CERT: join(dir, "client.pem"),
      ENGINE_TLS_KEY: join(dir, "client.key"),
    });
    const url = await b.start();
    await waitUntil(() => b.ctx.core.ready, "backend ready over TLS", 60_000);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const u = await seedUser(c, { username: "tls-user", password: "password-123" });
    await c.end();
    const r = await client(url, u.apiKey)<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "MARKET",
      quantity: "1",
    });
    expect(r.status).toBe(201);
    expect(r.body.order.status).toBe("FILLED");
    expect((await client(url)("GET", "/health")).status).toBe(200);
  });

  it("is not ready without a client certificate (the engine refuses the handshake)", async () => {
    const b = await backendWith({ ENGINE_TLS_CA: join(dir, "ca.pem") });
    const url = await b.start();
    await new Promise((r) => setTimeout(r, 2000));
    expect(b.ctx.core.ready).toBe(false);
    const ready = await client(url)("GET", "/ready");
    expect(ready.status).toBe(503);
    const health = await client(url)<{ checks: { engine: { status: string } } }>("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.body.checks.engine.status).toBe("down");
  });
});
