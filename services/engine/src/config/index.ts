// Engine configuration: config.yaml (validated with zod) overridden by environment variables.
// Decimal prices in the file are converted to integer ticks here, once, so nothing downstream sees a float.
import { accessSync, constants, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StpMode } from "@hft/proto";
import { parseDecimal, toUnits, UnitError } from "@hft/shared";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../config.yaml", import.meta.url));

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface SymbolConfig {
  symbol: string;
  tickSize: string;
  lotSize: string;
  referencePrice: number; // ticks
  priceBandBps: number;
  maxOrderQuantity: number; // lots
  maxOrderNotional: number; // ticks * lots
}

export interface EngineConfig {
  server: {
    host: string;
    port: number;
    metricsPort: number;
    maxBatchSize: number;
    maxMessageBytes: number;
    shutdownTimeoutMs: number;
  };
  tls: { cert?: string; key?: string; ca?: string };
  engine: {
    maxOpenOrdersPerAccount: number;
    stpDefault: StpMode;
    orderPoolSize: number;
    expiryIntervalMs: number;
  };
  marketData: { defaultDepth: number; subscriberBuffer: number; bookIntervalMs: number };
  liquidityProvider: {
    enabled: boolean;
    account: string;
    levels: number;
    spreadBps: number;
    levelStepBps: number;
    quantity: number;
  };
  symbols: SymbolConfig[];
  log: { level: string; file?: string };
}

type EnvKind = "string" | "int" | "bool";
interface EnvVar {
  name: string;
  description: string;
  /** Key in the YAML file this variable overrides (undefined: not a file key). */
  path?: string[];
  kind: EnvKind;
}

/** Every environment variable the engine reads. `--help` prints this table, so it stays true to the code. */
export const ENV_VARS: readonly EnvVar[] = [
  {
    name: "ENGINE_CONFIG",
    description: "path of the YAML config file (default: services/engine/config.yaml)",
    kind: "string",
  },
  {
    name: "ENGINE_HOST",
    description: "listen address (server.host, default 0.0.0.0)",
    path: ["server", "host"],
    kind: "string",
  },
  {
    name: "ENGINE_PORT",
    description: "gRPC port (server.port, default 50051; 0 = any free port)",
    path: ["server", "port"],
    kind: "int",
  },
  {
    name: "ENGINE_METRICS_PORT",
    description: "Prometheus /metrics HTTP port (server.metrics_port, default 9464; 0 disables)",
    path: ["server", "metrics_port"],
    kind: "int",
  },
  {
    name: "ENGINE_MAX_BATCH",
    description: "max commands per OrderStream batch (server.max_batch_size)",
    path: ["server", "max_batch_size"],
    kind: "int",
  },
  {
    name: "ENGINE_SHUTDOWN_TIMEOUT_MS",
    description: "graceful shutdown deadline (server.shutdown_timeout_ms)",
    path: ["server", "shutdown_timeout_ms"],
    kind: "int",
  },
  {
    name: "ENGINE_TLS_CERT",
    description: "PEM server certificate file (enables TLS, needs ENGINE_TLS_KEY)",
    path: ["tls", "cert"],
    kind: "string",
  },
  {
    name: "ENGINE_TLS_KEY",
    description: "PEM private key file of the server certificate",
    path: ["tls", "key"],
    kind: "string",
  },
  {
    name: "ENGINE_TLS_CA",
    description: "PEM CA file: clients must present a certificate signed by it (mTLS)",
    path: ["tls", "ca"],
    kind: "string",
  },
  {
    name: "ENGINE_LIQUIDITY_PROVIDER",
    description: "true|false: run the reference liquidity provider (liquidity_provider.enabled)",
    path: ["liquidity_provider", "enabled"],
    kind: "bool",
  },
  {
    name: "ENGINE_MAX_OPEN_ORDERS",
    description: "per-account open-order limit (engine.max_open_orders_per_account)",
    path: ["engine", "max_open_orders_per_account"],
    kind: "int",
  },
  {
    name: "ENGINE_ORDER_POOL_SIZE",
    description: "pre-allocated order slots (engine.order_pool_size)",
    path: ["engine", "order_pool_size"],
    kind: "int",
  },
  { name: "LOG_LEVEL", description: "pino log level (default info)", path: ["log", "level"], kind: "string" },
  {
    name: "LOG_FILE",
    description: "also write JSON logs to this file",
    path: ["log", "file"],
    kind: "string",
  },
];

const posInt = z.number().int("must be an integer").positive("must be a positive integer");
const nonNegInt = z.number().int("must be an integer").min(0, "must be >= 0");
const port = z.number().int("must be an integer").min(0, "must be 0..65535").max(65535, "must be 0..65535");
const decimalString = (what: string) =>
  z.string(`must be a ${what} decimal string`).refine((s) => {
    try {
      return parseDecimal(s).mantissa > 0n;
    } catch {
      return false;
    }
  }, `must be a ${what} decimal string`);

const symbolSchema = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9._-]{1,16}$/, "must be 1-16 chars of A-Z 0-9 . _ -"),
  tick_size: decimalString("positive"),
  lot_size: decimalString("positive"),
  reference_price: decimalString("positive"),
  price_band_bps: posInt,
  max_order_quantity: posInt,
  max_order_notional: decimalString("positive"),
});

const stpNames = {
  CANCEL_NEWEST: StpMode.STP_CANCEL_NEWEST,
  CANCEL_OLDEST: StpMode.STP_CANCEL_OLDEST,
  CANCEL_BOTH: StpMode.STP_CANCEL_BOTH,
  NONE: StpMode.STP_NONE,
} as const;

const fileSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default("0.0.0.0"),
      port: port.default(50051),
      metrics_port: port.default(9464),
      max_batch_size: posInt.default(10000),
      max_message_bytes: posInt.default(64 * 1024 * 1024),
      shutdown_timeout_ms: posInt.default(10000),
    })
    .prefault({}),
  tls: z
    .strictObject({
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      ca: z.string().min(1).optional(),
    })
    .prefault({}),
  engine: z
    .strictObject({
      max_open_orders_per_account: posInt.default(100000),
      stp_default: z.enum(["CANCEL_NEWEST", "CANCEL_OLDEST", "CANCEL_BOTH", "NONE"]).default("CANCEL_NEWEST"),
      order_pool_size: posInt.default(1000000),
      expiry_interval_ms: posInt.default(100),
    })
    .prefault({}),
  // The original platform's config.yaml sized its memory pools here; accepted so those files load unchanged.
  // memory.order_pool_size is the same setting as engine.order_pool_size (giving both with different values is
  // an error). memory.fill_pool_size has no effect: fills are built per batch, not taken from a fixed pool.
  memory: z
    .strictObject({ order_pool_size: posInt.optional(), fill_pool_size: posInt.optional() })
    .prefault({}),
  market_data: z
    .strictObject({
      default_depth: posInt.max(1000).default(10),
      subscriber_buffer: posInt.default(10000),
      book_interval_ms: nonNegInt.max(1000).default(5),
    })
    .prefault({}),
  liquidity_provider: z
    .strictObject({
      enabled: z.boolean("must be true or false").default(true),
      account: z.string().min(1).default("__liquidity_provider__"),
      levels: posInt.max(100).default(5),
      spread_bps: nonNegInt.default(5),
      level_step_bps: posInt.default(5),
      quantity: posInt.default(100),
    })
    .prefault({}),
  symbols: z.array(symbolSchema).min(1, "must list at least one symbol"),
  log: z
    .strictObject({
      level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
      file: z.string().min(1).optional(),
    })
    .prefault({}),
});

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(root)";
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

function coerceEnv(v: EnvVar, raw: string): unknown {
  if (v.kind === "int") {
    if (!/^-?\d+$/.test(raw.trim()))
      throw new ConfigError(`config error: ${v.name}: must be an integer, got "${raw}"`);
    return Number(raw.trim());
  }
  if (v.kind === "bool") {
    const s = raw.trim().toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
    throw new ConfigError(`config error: ${v.name}: must be true or false, got "${raw}"`);
  }
  return raw;
}

/** Multiply two decimal strings exactly ("0.01" * "1" = "0.01"). */
function mulDecimal(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const m = x.mantissa * y.mantissa;
  const scale = x.scale + y.scale;
  const digits = m.toString().padStart(scale + 1, "0");
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): EngineConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`config error: cannot read ${path}: ${(err as Error).message}`);
  }
  const config = parseConfig(text, env, path);
  // TLS files are part of the configuration: an unreadable one fails the start like any invalid key
  for (const [key, envName] of [
    ["cert", "ENGINE_TLS_CERT"],
    ["key", "ENGINE_TLS_KEY"],
    ["ca", "ENGINE_TLS_CA"],
  ] as const) {
    const file = config.tls[key];
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new ConfigError(
        `config error: ${env[envName] ? `${envName} (tls.${key})` : `tls.${key}`}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  return config;
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv = {}, source = "config"): EngineConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config error: ${source} is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`config error: ${source} must be a YAML mapping`);
  }
  const obj = raw as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  for (const v of ENV_VARS) {
    const value = env[v.name];
    if (v.path === undefined || value === undefined || value === "") continue;
    setPath(obj, v.path, coerceEnv(v, value));
    fromEnv.set(v.path.join("."), v.name);
  }
  const parsed = fileSchema.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = formatPath(issue.path);
    const envName = fromEnv.get(issue.path.join("."));
    throw new ConfigError(`config error: ${envName ? `${envName} (${key})` : key}: ${issue.message}`);
  }
  const c = parsed.data;
  if ((c.tls.cert === undefined) !== (c.tls.key === undefined)) {
    throw new ConfigError(
      "config error: tls.cert: ENGINE_TLS_CERT and ENGINE_TLS_KEY must be given together",
    );
  }
  if (c.tls.ca !== undefined && c.tls.cert === undefined) {
    throw new ConfigError(
      "config error: tls.ca: mTLS (ENGINE_TLS_CA) needs ENGINE_TLS_CERT and ENGINE_TLS_KEY",
    );
  }
  if (c.memory.order_pool_size !== undefined && !fromEnv.has("engine.order_pool_size")) {
    const explicit = (obj.engine as Record<string, unknown> | undefined)?.order_pool_size;
    if (explicit !== undefined && explicit !== c.memory.order_pool_size) {
      throw new ConfigError(
        "config error: memory.order_pool_size: differs from engine.order_pool_size (they are the same setting; give one)",
      );
    }
    c.engine.order_pool_size = c.memory.order_pool_size;
  }
  const lp = c.liquidity_provider;
  if (lp.enabled && lp.levels * 2 * c.symbols.length > c.engine.max_open_orders_per_account) {
    // the provider's account obeys the per-account limit like any other; size it so it never trips it
    throw new ConfigError(
      `config error: liquidity_provider.levels: ${lp.levels} levels x 2 sides x ${c.symbols.length} symbols exceed engine.max_open_orders_per_account`,
    );
  }
  const seen = new Set<string>();
  const symbols = c.symbols.map((s, i): SymbolConfig => {
    if (seen.has(s.symbol))
      throw new ConfigError(`config error: symbols[${i}].symbol: duplicate symbol ${s.symbol}`);
    seen.add(s.symbol);
    const units = (key: string, value: string, inc: string): number => {
      try {
        return toUnits(value, inc);
      } catch (err) {
        const why = err instanceof UnitError ? err.message : String(err);
        throw new ConfigError(`config error: symbols[${i}].${key}: ${why}`);
      }
    };
    return {
      symbol: s.symbol,
      tickSize: s.tick_size,
      lotSize: s.lot_size,
      referencePrice: units("reference_price", s.reference_price, s.tick_size),
      priceBandBps: s.price_band_bps,
      maxOrderQuantity: s.max_order_quantity,
      maxOrderNotional: units(
        "max_order_notional",
        s.max_order_notional,
        mulDecimal(s.tick_size, s.lot_size),
      ),
    };
  });
  return {
    server: {
      host: c.server.host,
      port: c.server.port,
      metricsPort: c.server.metrics_port,
      maxBatchSize: c.server.max_batch_size,
      maxMessageBytes: c.server.max_message_bytes,
      shutdownTimeoutMs: c.server.shutdown_timeout_ms,
    },
    tls: { cert: c.tls.cert, key: c.tls.key, ca: c.tls.ca },
    engine: {
      maxOpenOrdersPerAccount: c.engine.max_open_orders_per_account,
      stpDefault: stpNames[c.engine.stp_default],
      orderPoolSize: c.engine.order_pool_size,
      expiryIntervalMs: c.engine.expiry_interval_ms,
    },
    marketData: {
      defaultDepth: c.market_data.default_depth,
      subscriberBuffer: c.market_data.subscriber_buffer,
      bookIntervalMs: c.market_data.book_interval_ms,
    },
    liquidityProvider: {
      enabled: c.liquidity_provider.enabled,
      account: c.liquidity_provider.account,
      levels: c.liquidity_provider.levels,
      spreadBps: c.liquidity_provider.spread_bps,
      levelStepBps: c.liquidity_provider.level_step_bps,
      quantity: c.liquidity_provider.quantity,
    },
    symbols,
    log: { level: c.log.level, file: c.log.file },
  };
}
