// docker-compose.yml as Docker Compose reads it, without Docker: the .env file format and variable
// interpolation of the Compose specification (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, ${VAR:+alt}, $VAR, $$), then YAML with merge keys. Enough to check that the file resolves
// with the .env scripts/compose-env.sh writes, and fails with its message without one.
import { parse } from "yaml";

export type Env = Record<string, string | undefined>;

/** KEY=VALUE lines of a .env file; comments and blank lines skipped, optional quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith("#")) continue;
    env[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return env;
}

export class InterpolationError extends Error {}

/** Compose variable interpolation; throws InterpolationError for a required variable that is unset or empty. */
export function interpolate(text: string, env: Env): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === "$$") return "$";
      if (bare) return env[bare] ?? "";
      const value = env[name!];
      const unset = colon ? !value : value === undefined;
      switch (op) {
        case "-":
          return unset ? (arg ?? "") : value!;
        case "?":
          if (unset) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
          return value!;
        case "+":
          return unset ? "" : (arg ?? "");
        default:
          return value ?? "";
      }
    },
  );
}

export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  cap_drop?: string[];
  user?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  tmpfs?: string[];
  cpuset?: string;
  cpus?: string;
  mem_limit?: string;
  mem_reservation?: string;
  deploy?: {
    resources?: {
      limits?: { cpus?: string; memory?: string };
      reservations?: { cpus?: string; memory?: string };
    };
  };
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** Interpolates, then parses (YAML merge keys on, as Compose does). */
export function loadCompose(text: string, env: Env): ComposeFile {
  return parse(interpolate(text, env), { merge: true }) as ComposeFile;
}

/** The demo-user command of docs/DOCKER.md (kept identical to it). */
export const SEED_DEMO_SCRIPT =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the template literal belongs to the script run in the container
  'const { seedDemo } = await import("./services/backend/src/db/seed.ts"); const u = await seedDemo(process.env.DATABASE_URL); console.log(`user ${u.username} / demo-password, API key ${u.apiKey}`)';
