// Starts the real platform for the browser tests: PostgreSQL (real server), migrations, the matching engine,
// the backend and the production web build (`next start`), then seeds the trading users.
// The returned function is Playwright's teardown: it stops everything in reverse order.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  applyMigrations,
  type RunningService,
  startBackend,
  startEngine,
  startPostgres,
  startWeb,
  webBuildExists,
} from "@hft/devstack";
import { seedUsers } from "./seed";

// each service gets this long to become ready (a loaded CI machine compiles TypeScript slowly at start)
const READY_TIMEOUT_MS = 120_000;

export const STATE_FILE = join(import.meta.dirname, "..", "test-results", "stack.json");

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!webBuildExists()) throw new Error("no production build: run `npm run build -w @hft/web` first");
  const logDir = join(import.meta.dirname, "..", "test-results", "logs");
  rmSync(logDir, { recursive: true, force: true }); // this run's service logs only
  mkdirSync(logDir, { recursive: true });
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    const pg = await startPostgres({ fsync: false });
    started.push(pg);
    await applyMigrations(pg.url);
    // seeded before the backend starts, so it sees the accounts whether it loads them eagerly or lazily
    const users = await seedUsers(pg.url);
    // no built-in market maker: the tests build the book themselves so every assertion is deterministic
    const engine = await startEngine({
      liquidityProvider: false,
      logFile: join(logDir, "engine.log"),
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    started.push(engine);
    const backend: RunningService = await startBackend({
      databaseUrl: pg.url,
      engineAddr: engine.address,
      logFile: join(logDir, "backend.log"),
      env: { PRICE_SOURCE: "simulated" },
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    started.push(backend);
    const web = await startWeb({
      backendUrl: backend.address,
      logFile: join(logDir, "web.log"),
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    started.push(web);
    const state = { webUrl: web.address, backendUrl: backend.address, users };
    writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    process.env.WEB_URL = web.address;
    process.env.BACKEND_URL = backend.address;
    process.env.E2E_STATE = STATE_FILE;
  } catch (e) {
    await stopAll();
    throw e;
  }
  return stopAll;
}
