// Engine entry point: `npx tsx services/engine/src/main.ts [--config path] [--help]`.
import { pino } from "pino";
import { ConfigError, DEFAULT_CONFIG_PATH, ENV_VARS, type EngineConfig, loadConfig } from "./config/index.js";
import { startEngine } from "./grpc/server.js";

const USAGE = `Usage: tsx services/engine/src/main.ts [--config <path>] [--help]

Matching engine gRPC server (trading.pb.TradingEngine, grpc.health.v1.Health, server reflection).

Options:
  --config <path>   YAML configuration (default: $ENGINE_CONFIG or ${DEFAULT_CONFIG_PATH})
  --help            print this help and exit

Environment variables (override the config file):
${ENV_VARS.map((v) => `  ${v.name.padEnd(28)}${v.description}`).join("\n")}

Exit codes: 0 after a graceful shutdown (SIGTERM/SIGINT), 2 invalid configuration or arguments, 1 other failure.
`;

function parseArgs(argv: string[]): { help: boolean; config?: string } {
  const out: { help: boolean; config?: string } = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--config") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new ConfigError("config error: --config needs a path");
      out.config = v;
    } else if (a.startsWith("--config=")) out.config = a.slice("--config=".length);
    else throw new ConfigError(`config error: unknown argument "${a}" (see --help)`);
  }
  return out;
}

function createLogger(config: EngineConfig): pino.Logger {
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ dest: 1, sync: true }) }];
  if (config.log.file !== undefined) {
    streams.push({ stream: pino.destination({ dest: config.log.file, sync: true, mkdir: true }) });
  }
  return pino(
    { level: config.log.level, base: { service: "engine" }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
}

async function main(): Promise<void> {
  let config: EngineConfig;
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(USAGE);
      return;
    }
    config = loadConfig(args.config ?? process.env.ENGINE_CONFIG ?? DEFAULT_CONFIG_PATH);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);
  let engine: Awaited<ReturnType<typeof startEngine>>;
  try {
    engine = await startEngine(config, log);
  } catch (err) {
    log.fatal({ err }, "engine failed to start");
    process.stderr.write(`engine failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = (signal: string): void => {
    engine.shutdown(signal).then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        log.flush();
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`engine failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
