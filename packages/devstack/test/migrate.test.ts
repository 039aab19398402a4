// The offline migration applier against a real PostgreSQL server: idempotence, refusal to build on an edited
// migration, atomic failure, and bookkeeping rows that `prisma migrate deploy` would accept as its own.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  migrationChecksum,
  PRISMA_ADVISORY_LOCK_KEY,
  readMigrations,
  type StartedPostgres,
  startPostgres,
} from "../src/index.js";

let server: StartedPostgres;
const tmpDirs: string[] = [];
let dbCounter = 0;

async function freshDatabase(): Promise<string> {
  const name = `mig_${++dbCounter}`;
  const admin = new pg.Client(server.adminConfig);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} OWNER ${server.user}`);
  } finally {
    await admin.end();
  }
  return `postgres://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${name}`;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** A copy of prisma/migrations that a test may edit. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), "hft-migrations-"));
  tmpDirs.push(dir);
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "migration.sql"), sql);
}

beforeAll(async () => {
  server = await startPostgres({ fsync: false });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe("applyMigrations (real PostgreSQL)", { timeout: 60_000 }, () => {
  it("applies every migration once; a second run applies nothing and changes nothing", async () => {
    const url = await freshDatabase();
    const local = readMigrations();
    expect(local.length).toBeGreaterThan(0);

    const first = await applyMigrations(url);
    expect(first.applied).toEqual(local.map((m) => m.name));
    expect(first.alreadyApplied).toEqual([]);
    const rowsBefore = await query(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);

    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(local.map((m) => m.name));
    expect(second.unknownInDatabase).toEqual([]);
    const rowsAfter = await query(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rowsAfter).toEqual(rowsBefore);
  });

  it("writes _prisma_migrations exactly as Prisma's schema engine does", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    // Column names, types, nullability and defaults of Prisma's bookkeeping table (PostgreSQL connector).
    const cols = await query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      len: number | null;
    }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length AS len
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols).toEqual([
      { column_name: "id", data_type: "character varying", is_nullable: "NO", len: 36 },
      { column_name: "checksum", data_type: "character varying", is_nullable: "NO", len: 64 },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES", len: null },
      { column_name: "migration_name", data_type: "character varying", is_nullable: "NO", len: 255 },
      { column_name: "logs", data_type: "text", is_nullable: "YES", len: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES", len: null },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO", len: null },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO", len: null },
    ]);
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    const local = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const [i, r] of rows.entries()) {
      // Prisma: checksum = sha256 hex of the migration.sql bytes; id = uuid v4; finished and not rolled back.
      const bytes = readFileSync(join(DEFAULT_MIGRATIONS_DIR, r.migration_name, "migration.sql"));
      expect(r.checksum).toBe(migrationChecksum(bytes));
      expect(r.checksum).toBe(local[i].checksum);
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.logs).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    expect(PRISMA_ADVISORY_LOCK_KEY).toBe(72707369);
  });

  it("refuses to build on an applied migration whose script was edited, changing nothing", async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited after it was applied\n`);
    addMigration(dir, "29990101000000_more", `CREATE TABLE "never_created" ("id" INTEGER);`);

    const err = await applyMigrations(url, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).code).toBe("CHECKSUM_MISMATCH");
    expect((err as MigrationError).migration).toBe(first.name);
    // The pending migration was not applied on top of the changed history.
    const t = await query(url, `SELECT to_regclass('public.never_created') AS t`);
    expect(t[0].t).toBeNull();
  });

  it("accepts a script whose only change is CRLF line endings (as Prisma does)", async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first.name, "migration.sql"), first.sql.replace(/\r?\n/g, "\r\n"));
    const res = await applyMigrations(url, dir);
    expect(res.applied).toEqual([]);
  });

  it("applies a new migration on top, and rolls back a failing one without recording it", async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    addMigration(dir, "29990101000000_add_note", `ALTER TABLE "orders" ADD COLUMN "note" TEXT;`);
    expect((await applyMigrations(url, dir)).applied).toEqual(["29990101000000_add_note"]);

    // Two statements: the first succeeds, the second fails; neither may remain.
    addMigration(
      dir,
      "29990102000000_broken",
      `CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;`,
    );
    const err = await applyMigrations(url, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).code).toBe("MIGRATION_FAILED");
    expect((err as MigrationError).message).toContain("no_such_table");
    const t = await query(url, `SELECT to_regclass('public.half_done') AS t`);
    expect(t[0].t).toBeNull();
    const names = await query<{ migration_name: string }>(
      url,
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(names.map((r) => r.migration_name)).not.toContain("29990102000000_broken");
  });

  it("refuses to continue after a failed `prisma migrate deploy` (unfinished row)", async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    // What Prisma leaves behind when a migration fails: started, never finished, not rolled back.
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, $1, '29990101000000_failed', now(), 0)`,
      ["0".repeat(64)],
    );
    const err = await applyMigrations(url, dir).catch((e: unknown) => e);
    expect((err as MigrationError).code).toBe("FAILED_MIGRATION_PRESENT");
  });

  it("reports a missing migrations folder clearly", async () => {
    const err = await applyMigrations(server.url, "/nonexistent/migrations").catch((e: unknown) => e);
    expect((err as MigrationError).code).toBe("BAD_MIGRATIONS_DIR");
  });
});
