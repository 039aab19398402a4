// `npm start [-- options]`: the whole platform on one machine with one command. Database (embedded PGlite unless
// a URL is given), migrations, demo user, web production build, engine, backend and web; prints where to go.
// Ctrl-C (or SIGTERM) stops everything: each service runs in its own process group, which is stopped as a whole.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Writable } from "node:stream";
import {
  applyMigrations,
  type EmbeddedPostgres,
  type ManagedProcess,
  REPO_ROOT,
  type RunningService,
  startBackend,
  startEmbeddedPostgres,
  startEngine,
  startProcess,
  startWeb,
  tsxCommand,
  WEB_DIR,
  webBuildExists,
} from "@hft/devstack";
import { Command, InvalidArgumentError, Option } from "commander";
import { Listr } from "listr2";
import pg from "pg";

interface Options {
  host: string;
  enginePort: number;
  engineMetricsPort: number;
  backendPort: number;
  webPort: number;
  web: boolean;
  databaseUrl?: string;
  dbPort: number;
  dataDir: string;
  reset: boolean;
  webBuild: boolean;
  priceSource: "simulated" | "yahoo";
  priceSeed?: number;
  liquidity: boolean;
  engineConfig?: string;
  logLevel: string;
  verbose: boolean;
}

function portArg(allowZero: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 65535 || (n === 0 && !allowZero))
      throw new InvalidArgumentError(`expected a TCP port (${allowZero ? 0 : 1}-65535), got "${v}"`);
    return n;
  };
}

function intArg(v: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new InvalidArgumentError(`expected a non-negative integer, got "${v}"`);
  return Number(v);
}

function parseOptions(argv: string[]): Options {
  const program = new Command("npm start --")
    .description(
      "Starts the whole HFT platform locally: PostgreSQL (embedded unless --database-url/DATABASE_URL), " +
        "migrations, demo user, matching engine (gRPC), backend (REST/WebSocket) and web site.\n" +
        "Ctrl-C stops everything.",
    )
    .addOption(
      new Option("--host <addr>", "address the services listen on (0.0.0.0 exposes them)")
        .choices(["127.0.0.1", "0.0.0.0"])
        .default("127.0.0.1"),
    )
    .addOption(
      new Option("--engine-port <port>", "engine gRPC port").default(50051).argParser(portArg(false)),
    )
    .addOption(
      new Option("--engine-metrics-port <port>", "engine Prometheus /metrics port (0 = off)")
        .default(9464)
        .argParser(portArg(true)),
    )
    .addOption(
      new Option("--backend-port <port>", "backend HTTP port").default(8000).argParser(portArg(false)),
    )
    .addOption(new Option("--web-port <port>", "web site HTTP port").default(3000).argParser(portArg(false)))
    .option("--no-web", "do not build or start the web site")
    .option("--no-web-build", "never run `next build`; use the existing web/.next even if stale")
    .addOption(
      new Option("--database-url <url>", "use this PostgreSQL instead of the embedded one").env(
        "DATABASE_URL",
      ),
    )
    .addOption(
      new Option("--db-port <port>", "port of the embedded PostgreSQL")
        .default(0, "a free one")
        .argParser(portArg(true)),
    )
    .addOption(
      new Option("--data-dir <dir>", "embedded database files, logs and the token secret").default(
        join(REPO_ROOT, ".data"),
        ".data",
      ),
    )
    .option("--reset", "delete the embedded database first (fresh demo data)", false)
    .addOption(
      new Option("--price-source <source>", "market price feed")
        .choices(["simulated", "yahoo"])
        .default("simulated"),
    )
    .addOption(new Option("--price-seed <n>", "seed of the simulated price feed").argParser(intArg))
    .option("--no-liquidity", "turn off the engine's built-in liquidity provider (empty books)")
    .addOption(
      new Option("--engine-config <file>", "engine config.yaml (default services/engine/config.yaml)"),
    )
    .addOption(
      new Option("--log-level <level>", "services' log level")
        .choices(["fatal", "error", "warn", "info", "debug", "trace"])
        .default("info"),
    )
    .option("-v, --verbose", "also print the services' logs here (they always go to <data-dir>/logs)", false)
    .addHelpText(
      "after",
      `
Examples:
  npm start                                   # everything on :50051 / :8000 / :3000, embedded PostgreSQL
  npm start -- --backend-port 8080 --no-web   # API only
  DATABASE_URL=postgres://u:p@localhost:5432/hft npm start
  npm start -- --reset                        # wipe the embedded database and seed again`,
    )
    .showHelpAfterError();
  program.parse(argv, { from: "user" });
  return program.opts<Options>();
}

/** True if nothing listens on host:port (we can bind it ourselves). */
async function portFree(port: number, host: string): Promise<boolean> {
  return await new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => res(true)));
  });
}

/** The token signing secret, kept in the data dir so sign-ins survive a restart. */
function authSecret(dataDir: string): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const file = join(dataDir, "auth-secret");
  if (existsSync(file)) {
    const s = readFileSync(file, "utf8").trim();
    if (s.length >= 16) return s;
  }
  const s = randomBytes(32).toString("hex");
  writeFileSync(file, `${s}\n`, { mode: 0o600 });
  return s;
}

/** Hides the password of a postgres URL for printing. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function display(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : p;
}

/** Runs a command to completion in its own process group, output to `logFile`; throws with the log tail on failure. */
async function runToEnd(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  logFile: string,
  track: (p: ManagedProcess) => void,
  onLine?: (line: string) => void,
): Promise<void> {
  const lines = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const text = chunk
        .toString()
        .split("\n")
        .map((l) => l.replace(/^\[[^\]]+\] ?/, "").trim())
        .filter((l) => l.length > 0);
      const last = text[text.length - 1];
      if (last && onLine) onLine(last);
      cb();
    },
  });
  const p = await startProcess({ name, command, args, cwd, logFile, echo: lines, stopTimeoutMs: 5_000 });
  track(p);
  const info = await p.exited;
  if (info.code !== 0) {
    throw new Error(
      `${name} failed (exit code ${info.code}, signal ${info.signal}); see ${display(logFile)}\n${p.logTail(30)}`,
    );
  }
}

interface Ctx {
  databaseUrl: string;
  embedded?: EmbeddedPostgres;
  apiKey?: string;
  engine?: RunningService;
  backend?: RunningService;
  web?: RunningService;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const dataDir = resolve(o.dataDir);
  const logDir = join(dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const echo = o.verbose ? process.stderr : undefined;
  const localHost = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;

  // Everything started is stopped in reverse order, exactly once, on Ctrl-C, SIGTERM, a failure or a crash.
  const cleanups: { name: string; stop: () => Promise<unknown> }[] = [];
  const track = (name: string, stop: () => Promise<unknown>) => cleanups.push({ name, stop });
  let shuttingDown: Promise<void> | undefined;
  let firstSignalAt = 0;
  const shutdown = (code: number, why?: string): Promise<void> => {
    shuttingDown ??= (async () => {
      if (why) process.stderr.write(`\n${why}\n`);
      process.stderr.write("Stopping ...\n");
      for (const c of cleanups.reverse()) {
        try {
          await c.stop();
          process.stderr.write(`  stopped ${c.name}\n`);
        } catch (err) {
          process.stderr.write(`  ${c.name}: ${(err as Error).message}\n`);
        }
      }
      process.stderr.write("All stopped.\n");
      process.exit(code);
    })();
    return shuttingDown;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    // A terminal's Ctrl-C reaches npm, tsx and us at once, and tsx relays it again: only a second signal
    // well after the first means "stop waiting"; then everything left is killed (the exit hook SIGKILLs groups).
    if (shuttingDown) {
      if (Date.now() - firstSignalAt > 1_000) {
        process.stderr.write(`\n${sig} again: killing what is left\n`);
        process.exit(130);
      }
      return;
    }
    firstSignalAt = Date.now();
    void shutdown(0, `${sig} received`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);

  const ports: [what: string, flag: string, port: number, host?: string][] = [
    ["engine gRPC", "--engine-port", o.enginePort],
    ["backend", "--backend-port", o.backendPort],
  ];
  if (o.engineMetricsPort > 0) ports.push(["engine metrics", "--engine-metrics-port", o.engineMetricsPort]);
  if (o.web) ports.push(["web", "--web-port", o.webPort]);
  if (!o.databaseUrl && o.dbPort > 0) ports.push(["embedded PostgreSQL", "--db-port", o.dbPort, "127.0.0.1"]);
  const seen = new Map<number, string>();
  for (const [what, flag, port, host = o.host] of ports) {
    if (seen.has(port)) throw new Error(`port ${port} is given to both ${seen.get(port)} and ${what}`);
    seen.set(port, what);
    if (!(await portFree(port, host)))
      throw new Error(
        `port ${port} (${what}) is already in use on ${host}: stop what uses it or pass ${flag}`,
      );
  }

  const secret = authSecret(dataDir);
  const prismaClient = join(REPO_ROOT, "services/backend/src/db/generated/client.ts");
  const ctx: Ctx = { databaseUrl: o.databaseUrl ?? "" };

  const backendSteps = new Listr<Ctx>(
    [
      {
        title: "Prisma client",
        skip: () => existsSync(prismaClient) && "Prisma client already generated",
        task: async (_c, task) => {
          await runToEnd(
            "prisma-generate",
            "npm",
            ["run", "gen", "-w", "@hft/backend"],
            REPO_ROOT,
            join(logDir, "prisma-generate.log"),
            (p) => track("prisma generate", () => p.stop()),
            (l) => {
              task.output = l;
            },
          );
        },
      },
      {
        title: o.databaseUrl ? `PostgreSQL at ${redactUrl(o.databaseUrl)}` : "Embedded PostgreSQL (PGlite)",
        task: async (c, task) => {
          if (o.databaseUrl) {
            const client = new pg.Client({
              connectionString: o.databaseUrl,
              connectionTimeoutMillis: 10_000,
            });
            try {
              await client.connect();
              await client.query("SELECT 1");
            } catch (err) {
              throw new Error(`cannot connect to ${redactUrl(o.databaseUrl)}: ${(err as Error).message}`);
            } finally {
              await client.end().catch(() => {});
            }
            return;
          }
          const dir = join(dataDir, "pglite");
          if (o.reset) rmSync(dir, { recursive: true, force: true });
          c.embedded = await startEmbeddedPostgres({
            dataDir: dir,
            // Loopback only, whatever --host says: it has a well-known password and only the backend needs it.
            host: "127.0.0.1",
            ...(o.dbPort > 0 ? { port: o.dbPort } : {}),
          });
          const db = c.embedded;
          track("embedded PostgreSQL", () => db.stop());
          c.databaseUrl = db.url;
          task.title = `Embedded PostgreSQL (PGlite) on 127.0.0.1:${db.port}, data in ${display(dir)}`;
        },
      },
      {
        title: "Migrations",
        task: async (c, task) => {
          const r = await applyMigrations(c.databaseUrl, undefined, {
            log: (m) => {
              task.output = m;
            },
          });
          task.title = `Migrations: ${r.applied.length} applied, ${r.alreadyApplied.length} already applied`;
        },
      },
      {
        title: "Demo user",
        task: async (c, task) => {
          // Imported here: the backend's generated Prisma client may only exist after the step above.
          const { seedDemo } = await import("@hft/backend/seed");
          const u = await seedDemo(c.databaseUrl);
          c.apiKey = u.apiKey;
          task.title = `Demo user "${u.username}" ${u.created ? "created" : "exists"}, new API key issued`;
        },
      },
      {
        title: `Engine on ${localHost}:${o.enginePort}`,
        task: async (c) => {
          c.engine = await startEngine({
            port: o.enginePort,
            metricsPort: o.engineMetricsPort,
            liquidityProvider: o.liquidity,
            logLevel: o.logLevel,
            ...(o.engineConfig ? { config: resolve(o.engineConfig) } : {}),
            env: { ENGINE_HOST: o.host },
            logFile: join(logDir, "engine.log"),
            ...(echo ? { echo } : {}),
          });
          const e = c.engine;
          track("engine", () => e.stop());
        },
      },
      {
        title: `Backend on ${localHost}:${o.backendPort}`,
        task: async (c) => {
          c.backend = await startBackend({
            port: o.backendPort,
            databaseUrl: c.databaseUrl,
            engineAddr: `127.0.0.1:${o.enginePort}`,
            // The embedded database serves one transaction at a time: more connections would only queue.
            ...(c.embedded ? { maxPoolSize: 2 } : {}),
            authSecret: secret,
            logLevel: o.logLevel,
            env: {
              HOST: o.host,
              PRICE_SOURCE: o.priceSource,
              ...(o.priceSeed !== undefined ? { PRICE_SEED: String(o.priceSeed) } : {}),
              ...(o.web
                ? { CORS_ORIGINS: `http://${localHost}:${o.webPort},http://localhost:${o.webPort}` }
                : {}),
            },
            logFile: join(logDir, "backend.log"),
            ...(echo ? { echo } : {}),
          });
          const b = c.backend;
          track("backend", () => b.stop());
        },
      },
    ],
    { concurrent: false, exitOnError: true },
  );

  const webBuildStep = {
    title: "Web production build",
    skip: () => (!o.webBuild && webBuildExists() ? "--no-web-build: using the existing web/.next" : false),
    task: async (_c: Ctx, task: { output: string; title: string }) => {
      // web/scripts/ensure-build.ts rebuilds only when the web sources changed since the last build.
      const ensure = join(WEB_DIR, "scripts", "ensure-build.ts");
      const { command, args } = existsSync(ensure)
        ? tsxCommand(ensure)
        : { command: process.execPath, args: [join(REPO_ROOT, "node_modules/next/dist/bin/next"), "build"] };
      await runToEnd(
        "web-build",
        command,
        args,
        WEB_DIR,
        join(logDir, "web-build.log"),
        (p) => track("web build", () => p.stop()),
        (l) => {
          task.output = l;
        },
      );
      task.title = "Web production build ready";
    },
  };

  const tasks = new Listr<Ctx>(
    [
      {
        title: "Preparing",
        task: (_c, task) =>
          task.newListr(
            [
              { title: "Database, engine and backend", task: () => backendSteps },
              ...(o.web ? [webBuildStep] : []),
            ],
            { concurrent: true, exitOnError: true },
          ),
      },
      {
        title: `Web on ${localHost}:${o.webPort}`,
        enabled: () => o.web,
        task: async (c) => {
          if (!c.backend) throw new Error("backend did not start");
          c.web = await startWeb({
            port: o.webPort,
            host: o.host,
            backendUrl: `http://127.0.0.1:${o.backendPort}`,
            logFile: join(logDir, "web.log"),
            ...(echo ? { echo } : {}),
          });
          const w = c.web;
          track("web", () => w.stop());
        },
      },
    ],
    {
      exitOnError: true,
      registerSignalListeners: false, // our own handler stops what was started
      rendererOptions: { collapseSubtasks: false },
    },
  );

  try {
    await tasks.run(ctx);
  } catch (err) {
    if (shuttingDown) return; // interrupted while starting
    await shutdown(1, `Start failed: ${(err as Error).message}\nLogs: ${display(logDir)}`);
    return;
  }
  if (shuttingDown) return;

  const api = `http://${localHost}:${o.backendPort}`;
  const symbols = await fetch(`${api}/api/v1/symbols`, { signal: AbortSignal.timeout(5_000) })
    .then(
      async (r) =>
        ((await r.json()) as { symbols: { symbol: string; referencePrice: string | null }[] }).symbols,
    )
    .then((list) =>
      list.map((x) => (x.referencePrice ? `${x.symbol} ${x.referencePrice}` : x.symbol)).join(", "),
    )
    .catch(() => "");
  const lines = [
    "",
    "HFT platform is running",
    "",
    ...(o.web ? [`  Web           http://${localHost}:${o.webPort}   sign in as demo / demo-password`] : []),
    `  REST API      ${api}/api/v1   (OpenAPI docs: ${api}/docs)`,
    `  Health        ${api}/health   metrics: ${api}/metrics`,
    `  Engine gRPC   ${localHost}:${o.enginePort}` +
      (o.engineMetricsPort > 0 ? `   metrics: http://${localHost}:${o.engineMetricsPort}/metrics` : ""),
    `  Database      ${ctx.embedded ? `embedded PGlite ${ctx.databaseUrl}` : redactUrl(ctx.databaseUrl)}`,
    `  Demo API key  ${ctx.apiKey}`,
    ...(symbols ? [`  Symbols       ${symbols}`] : []),
    "",
    "Try:",
    `  curl -H 'X-API-Key: ${ctx.apiKey}' ${api}/api/v1/portfolio`,
    `  curl -H 'X-API-Key: ${ctx.apiKey}' -H 'Content-Type: application/json' \\`,
    `       -d '{"symbol":"AAPL","side":"BUY","type":"MARKET","quantity":"10"}' ${api}/api/v1/orders`,
    `  grpcurl -plaintext ${localHost}:${o.enginePort} trading.pb.TradingEngine/HealthCheck`,
    "",
    `Logs in ${display(logDir)}/ (engine.log, backend.log${o.web ? ", web.log" : ""}). Press Ctrl-C to stop.`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  // A service that dies on its own takes the platform down with a clear message (no half-running platform).
  const services = [ctx.engine, ctx.backend, ctx.web].filter((s): s is RunningService => s !== undefined);
  const died = await Promise.race(services.map((s) => s.exited.then((info) => ({ s, info }))));
  if (shuttingDown) return;
  await shutdown(
    1,
    `${died.s.name} exited unexpectedly (code ${died.info.code}, signal ${died.info.signal}):\n${died.s.logTail(30)}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
