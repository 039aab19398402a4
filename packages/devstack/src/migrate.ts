// Offline applier for Prisma's migration-folder format (prisma/migrations/<timestamp>_<name>/migration.sql).
// It keeps the same bookkeeping table as `prisma migrate deploy` (_prisma_migrations, same columns, sha256
// checksums, same advisory lock key), so a database migrated here can later be handled by Prisma's native engine
// and vice versa. Prisma's engine cannot be downloaded on this machine; this needs nothing but `pg`.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { DEFAULT_MIGRATIONS_DIR } from "./paths.js";

/** The advisory lock key Prisma's schema engine takes while migrating PostgreSQL. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** DDL of Prisma's bookkeeping table, as its schema engine creates it for PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface ApplyMigrationsOptions {
  /** Progress messages (default: silent). */
  log?: (msg: string) => void;
  /** Take Prisma's advisory lock (default true; skipped automatically where unsupported, e.g. some PGlite builds). */
  lock?: boolean;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied. */
  alreadyApplied: string[];
  /** Applied migrations recorded in the database but missing from the folder (Prisma warns about these too). */
  unknownInDatabase: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly code:
      | "CHECKSUM_MISMATCH"
      | "FAILED_MIGRATION_PRESENT"
      | "MIGRATION_FAILED"
      | "BAD_MIGRATIONS_DIR"
      | "PROVIDER_MISMATCH",
    readonly migration?: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** sha256 hex of the migration script, exactly as Prisma computes `checksum`. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Reads the migration folders in the order Prisma applies them (lexicographic by folder name). */
export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): LocalMigration[] {
  if (!existsSync(dir))
    throw new MigrationError(`migrations directory not found: ${dir}`, "BAD_MIGRATIONS_DIR");
  const lock = join(dir, "migration_lock.toml");
  if (existsSync(lock)) {
    const provider = /provider\s*=\s*"([^"]+)"/.exec(readFileSync(lock, "utf8"))?.[1];
    if (provider && provider !== "postgresql") {
      throw new MigrationError(
        `migration_lock.toml says provider "${provider}"; only postgresql is supported`,
        "PROVIDER_MISMATCH",
      );
    }
  }
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, "migration.sql")))
    .sort()
    .map((name) => {
      const raw = readFileSync(join(dir, name, "migration.sql"));
      return { name, sql: raw.toString("utf8"), checksum: migrationChecksum(raw) };
    });
}

/** Prisma accepts a script whose line endings changed (CRLF <-> LF); so do we. */
function checksumMatches(m: LocalMigration, recorded: string): boolean {
  if (m.checksum === recorded) return true;
  const lf = m.sql.replace(/\r\n/g, "\n");
  return migrationChecksum(lf) === recorded || migrationChecksum(lf.replace(/\n/g, "\r\n")) === recorded;
}

interface AppliedRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations from `migrationsDir` to the database at `url`, each in its own transaction together
 * with its `_prisma_migrations` record. Idempotent; refuses (without changing anything) when an applied migration's
 * script changed or a failed migration is recorded. Note: statements that cannot run inside a transaction
 * (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on old servers) are not supported here.
 */
export async function applyMigrations(
  url: string | pg.ClientConfig,
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
  opts: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const log = opts.log ?? (() => {});
  const local = readMigrations(migrationsDir);
  const client = new pg.Client(typeof url === "string" ? { connectionString: url } : url);
  await client.connect();
  let locked = false;
  try {
    if (opts.lock ?? true) {
      try {
        await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
        locked = true;
      } catch (err) {
        log(`advisory lock unavailable, continuing without it: ${(err as Error).message}`);
      }
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `SELECT id, migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
       ORDER BY started_at, migration_name`,
    );
    const live = rows.filter((r) => r.rolled_back_at === null);
    const failed = live.filter((r) => r.finished_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `migration ${failed[0].migration_name} is recorded as started but not finished (a failed run of ` +
          "`prisma migrate deploy`?); resolve it with `prisma migrate resolve` before applying more",
        "FAILED_MIGRATION_PRESENT",
        failed[0].migration_name,
      );
    }
    const appliedByName = new Map(live.map((r) => [r.migration_name, r]));
    // Check every checksum before applying anything: a changed history must not be built upon.
    for (const m of local) {
      const row = appliedByName.get(m.name);
      if (row && !checksumMatches(m, row.checksum)) {
        throw new MigrationError(
          `migration ${m.name} was changed after it was applied (checksum in database ${row.checksum}, ` +
            `file ${m.checksum}); never edit an applied migration, add a new one`,
          "CHECKSUM_MISMATCH",
          m.name,
        );
      }
    }
    const localNames = new Set(local.map((m) => m.name));
    const result: ApplyMigrationsResult = {
      applied: [],
      alreadyApplied: local.filter((m) => appliedByName.has(m.name)).map((m) => m.name),
      unknownInDatabase: live.map((r) => r.migration_name).filter((n) => !localNames.has(n)),
    };
    for (const m of local) {
      if (appliedByName.has(m.name)) continue;
      log(`applying ${m.name}`);
      try {
        await client.query("BEGIN");
        await client.query(m.sql); // simple query protocol: the whole multi-statement script in one round trip
        await client.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new MigrationError(
          `migration ${m.name} failed and was rolled back: ${(err as Error).message}`,
          "MIGRATION_FAILED",
          m.name,
        );
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    if (locked)
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
