// Backend entry point: `npx tsx services/backend/src/main.ts`. Config from the environment (validated; a bad
// value exits with code 2 and a clear message), then the HTTP API on HOST:PORT. SIGTERM/SIGINT => graceful.
import { ConfigError, HELP, loadConfig } from "./config/index.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(HELP);
  process.exit(0);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n\n${HELP}`);
    process.exit(2);
  }
  throw e;
}
// The libuv pool runs scrypt, DNS and fs work; it must be sized before its first use.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, config.WORKER_THREADS));

const { createBackend } = await import("./wire.js");
const backend = await createBackend(config);
const log = backend.ctx.log;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => {
    log.error("shutdown took too long; exiting");
    process.exit(1);
  }, 15_000);
  force.unref();
  try {
    await backend.stop();
    log.info("backend stopped");
    log.flush?.();
    process.exit(0);
  } catch (err) {
    log.error({ err }, "error during shutdown");
    process.exit(1);
  }
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));

try {
  const address = await backend.start();
  log.info(
    {
      address,
      port: config.PORT,
      engine: config.ENGINE_ADDR,
      persist: config.PERSIST_MODE,
      feed: config.PRICE_SOURCE,
    },
    "backend listening",
  );
} catch (err) {
  log.fatal({ err }, "could not start the backend");
  process.exit(1);
}
