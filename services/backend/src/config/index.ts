// Environment configuration, validated with zod at start: a bad value is a clear message and exit code 2.
import { accessSync, constants } from "node:fs";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const optionalFile = z.string().min(1).optional();

export const ConfigSchema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is required (postgresql://user:pass@host:port/db)" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL"),
  ENGINE_ADDR: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, "ENGINE_ADDR must be host:port")
    .default("127.0.0.1:50051"),
  ENGINE_TLS_CA: optionalFile,
  ENGINE_TLS_CERT: optionalFile,
  ENGINE_TLS_KEY: optionalFile,
  WORKER_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  MAX_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  PRICE_SOURCE: z.enum(["simulated", "yahoo"]).default("simulated"),
  PRICE_SEED: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(42),
  /** how often the price feed ticks (and the engine's reference prices follow) */
  PRICE_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
  /** start prices for the simulated feed: "AAPL=190,MSFT=420" (defaults to the engine's reference prices) */
  PRICE_START: z
    .string()
    .regex(
      /^([A-Z0-9.-]+=\d+(\.\d+)?)(,[A-Z0-9.-]+=\d+(\.\d+)?)*$/,
      "PRICE_START must look like AAPL=190,MSFT=420",
    )
    .optional(),
  /** Yahoo Finance host override (tests point it at a local stand-in server) */
  YAHOO_BASE_URL: z.url().optional(),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .default(12 * 3600),
  CORS_ORIGINS: z.string().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FILE: z.string().min(1).optional(),
  /** group = batched group commit (default); naive = one transaction per order (benchmark baseline) */
  PERSIST_MODE: z.enum(["group", "naive"]).default("group"),
  /** group-commit transactions allowed in flight at once (capped at MAX_POOL_SIZE - 1, at least 1) */
  PERSIST_MAX_INFLIGHT: z.coerce.number().int().min(1).max(64).default(4),
  /** max units per group-commit flush */
  PERSIST_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** new-account starting cash (currency) for users created through the admin API */
  DEFAULT_STARTING_CASH: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/)
    .default("100000"),
  ENGINE_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(5000),
  TRUST_PROXY: bool.default(false),
});

export type Config = z.infer<typeof ConfigSchema>;

export const HELP = `hft-platform backend (fastify REST + WebSocket API on the matching engine)

Usage: npx tsx services/backend/src/main.ts [--help]

Environment:
  HOST, PORT                 listen address (0.0.0.0:8000)
  DATABASE_URL               PostgreSQL URL (required)
  ENGINE_ADDR                engine gRPC address (127.0.0.1:50051)
  ENGINE_TLS_CA/CERT/KEY     TLS to the engine (CA => TLS; CERT+KEY => mTLS client certificate)
  ENGINE_TIMEOUT_MS          deadline of unary engine calls (5000)
  WORKER_THREADS             HTTP threads: 1 = the main thread serves the API; N > 1 = N gateway threads
                             share PORT (SO_REUSEPORT) for order entry, other routes proxied (1)
  MAX_POOL_SIZE              PostgreSQL pool size (10)
  PRICE_SOURCE               simulated | yahoo (simulated)
  PRICE_SEED                 seed of the simulated random walk (42)
  PRICE_INTERVAL_MS          feed tick interval (1000)
  PRICE_START                simulated start prices, e.g. AAPL=190,MSFT=420
  YAHOO_BASE_URL             override of the Yahoo Finance host (testing)
  AUTH_SECRET                token signing secret (random per start if unset)
  TOKEN_TTL_SECONDS          bearer token lifetime (43200)
  CORS_ORIGINS               comma-separated allowed origins ("" = none)
  LOG_LEVEL, LOG_FILE        pino level; optional extra log file
  PERSIST_MODE               group | naive (group)
  PERSIST_MAX_BATCH          max writes per group commit (2000)
  PERSIST_MAX_INFLIGHT       concurrent group-commit transactions (4, at most MAX_POOL_SIZE - 1)
  DEFAULT_STARTING_CASH      cash of users created through the admin API (100000)
  TRUST_PROXY                trust X-Forwarded-* headers (false)
`;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (docker/k8s often pass empty vars).
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const cfg = result.data;
  if ((cfg.ENGINE_TLS_CERT === undefined) !== (cfg.ENGINE_TLS_KEY === undefined)) {
    throw new ConfigError(
      "invalid configuration:\n  ENGINE_TLS_CERT and ENGINE_TLS_KEY must be set together",
    );
  }
  const unreadable = (["ENGINE_TLS_CA", "ENGINE_TLS_CERT", "ENGINE_TLS_KEY"] as const).filter((k) => {
    const file = cfg[k];
    if (file === undefined) return false;
    try {
      accessSync(file, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (unreadable.length > 0) {
    const lines = unreadable.map((k) => `  ${k}: cannot read file ${cfg[k]}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return cfg;
}

export function corsOrigins(cfg: Config): string[] {
  return cfg.CORS_ORIGINS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
