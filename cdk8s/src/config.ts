// Configuration of the cdk8s app. Defaults mirror charts/hft-platform/values.yaml; k8s-tests/parity.test.ts fails
// when the two render different objects, images, ports, resources or probes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface Scheduling {
  nodeSelector: Record<string, string>;
  tolerations: Array<{ key?: string; operator?: "Exists" | "Equal"; value?: string; effect?: string }>;
}

export interface PlatformConfig {
  /** Prefix of every object name (Helm: the release's full name). */
  name: string;
  namespace?: string;
  version: string;
  image: { registry: string; tag: string; pullPolicy: "Always" | "IfNotPresent" | "Never" };
  engine: Scheduling & {
    repository: string;
    /** Exclusive cores: integer, requests == limits (Guaranteed QoS). */
    cpus: number;
    memory: string;
    tmpSizeLimit: string;
    grpcPort: number;
    metricsPort: number;
    liquidityProvider: boolean;
    logLevel: string;
    terminationGracePeriodSeconds: number;
    /** Engine config.yaml text (default: services/engine/config.yaml). */
    configYaml: string;
  };
  backend: Scheduling & {
    repository: string;
    replicas: number;
    port: number;
    resources: Resources;
    tmpSizeLimit: string;
    workerThreads: number;
    maxPoolSize: number;
    priceSource: "simulated" | "yahoo";
    corsOrigins: string;
    logLevel: string;
    auth: { existingSecret: string; secretKey: string };
  };
  web: Scheduling & {
    repository: string;
    replicas: number;
    port: number;
    resources: Resources;
    tmpSizeLimit: string;
  };
  migrations: {
    repository: string;
    backoffLimit: number;
    activeDeadlineSeconds: number;
    resources: Resources;
  };
  postgresql: Scheduling & {
    image: string;
    port: number;
    auth: {
      username: string;
      database: string;
      /** Empty: a random password is generated at synth time (prefer existingSecret for real clusters). */
      password: string;
      existingSecret: string;
      secretKeys: { usernameKey: string; passwordKey: string };
    };
    persistence: { size: string; storageClass: string };
    resources: Resources;
  };
  networkPolicy: boolean;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export function defaultConfig(): PlatformConfig {
  return {
    name: "hft-platform",
    version: "0.1.0",
    image: { registry: "ghcr.io/hft-platform", tag: "0.1.0", pullPolicy: "IfNotPresent" },
    engine: {
      repository: "hft-engine",
      cpus: 2,
      memory: "2Gi",
      tmpSizeLimit: "64Mi",
      grpcPort: 50051,
      metricsPort: 9464,
      liquidityProvider: true,
      logLevel: "info",
      terminationGracePeriodSeconds: 30,
      configYaml: readFileSync(`${repoRoot}services/engine/config.yaml`, "utf8"),
      nodeSelector: {},
      tolerations: [],
    },
    backend: {
      repository: "hft-backend",
      replicas: 1, // single writer of the trading state
      port: 8000,
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
      tmpSizeLimit: "64Mi",
      // 1 = main thread only; each HTTP gateway thread (N > 1) needs ~100 MB and a share of a CPU.
      workerThreads: 1,
      maxPoolSize: 20,
      priceSource: "simulated",
      corsOrigins: "",
      logLevel: "info",
      auth: { existingSecret: "", secretKey: "auth-secret" },
      nodeSelector: {},
      tolerations: [],
    },
    web: {
      repository: "hft-frontend",
      replicas: 2,
      port: 3000,
      resources: { requests: { cpu: "100m", memory: "192Mi" }, limits: { cpu: "1", memory: "512Mi" } },
      tmpSizeLimit: "128Mi",
      nodeSelector: {},
      tolerations: [],
    },
    migrations: {
      repository: "hft-backend-migrate",
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    },
    postgresql: {
      image: "docker.io/library/postgres:17.6-bookworm",
      port: 5432,
      auth: {
        username: "hft",
        database: "hft",
        password: "",
        existingSecret: "",
        secretKeys: { usernameKey: "username", passwordKey: "password" },
      },
      persistence: { size: "10Gi", storageClass: "" },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
      nodeSelector: {},
      tolerations: [],
    },
    networkPolicy: true,
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges overrides onto the config. Unknown keys are rejected (like the chart's values.schema.json), so a
 * typo in an overrides file fails the synth instead of being ignored.
 */
export function mergeConfig<T>(base: T, overrides: unknown, path = ""): T {
  if (!isObject(overrides)) throw new Error(`config${path}: expected an object`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in out)) throw new Error(`config${path}: unknown key "${key}"`);
    const current = out[key];
    if (isObject(current)) {
      // An empty default object is a free-form map (nodeSelector): taken as given.
      out[key] =
        isObject(value) && Object.keys(current).length === 0
          ? value
          : mergeConfig(current, value, `${path}.${key}`);
    } else {
      if (current !== undefined && typeof value !== typeof current) {
        throw new Error(`config${path}.${key}: expected ${typeof current}, got ${typeof value}`);
      }
      out[key] = value as Json;
    }
  }
  return out as T;
}

/** Reads a YAML overrides file (same shape as PlatformConfig, any subset). */
export function loadConfig(overridesFile?: string): PlatformConfig {
  const config = defaultConfig();
  if (!overridesFile) return config;
  return mergeConfig(config, parse(readFileSync(overridesFile, "utf8")) ?? {});
}

/** Validates what the API server cannot: the engine must stay Guaranteed with whole cores. */
export function checkConfig(config: PlatformConfig): void {
  if (!Number.isInteger(config.engine.cpus) || config.engine.cpus < 1) {
    throw new Error(`engine.cpus must be a positive integer (exclusive cores), got ${config.engine.cpus}`);
  }
  if (!/^[0-9]+(Ki|Mi|Gi|Ti)$/.test(config.engine.memory)) {
    throw new Error(`engine.memory must be a binary quantity like 2Gi, got ${config.engine.memory}`);
  }
  if (config.postgresql.auth.password && !/^[A-Za-z0-9._~-]+$/.test(config.postgresql.auth.password)) {
    throw new Error("postgresql.auth.password must be URL-safe (it is part of DATABASE_URL)");
  }
}
