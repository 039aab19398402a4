// prisma/schema.prisma and the database built by prisma/migrations must agree: the backend's Prisma client is
// generated from the schema, but production databases are built from the migrations. Real PostgreSQL server
// (system binaries, started by devstack), migrations applied with the offline Prisma-compatible applier.
import {
  applyMigrations,
  checkSchemaAgreement,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  formatDifferences,
  type StartedPostgres,
  startPostgres,
} from "@hft/devstack";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: StartedPostgres;

/** A fresh, empty database on the test server owned by the app role; returns its URL. */
async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client(server.adminConfig);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} OWNER ${server.user}`);
  } finally {
    await admin.end();
  }
  return `postgres://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${name}`;
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  // Durability is not what is tested here: fsync off keeps DDL fast on a shared machine.
  server = await startPostgres({ fsync: false });
});

afterAll(async () => {
  await server?.stop();
});

describe("schema.prisma vs migrated PostgreSQL", () => {
  it("agree after applying prisma/migrations to an empty database", async () => {
    const res = await applyMigrations(server.url, DEFAULT_MIGRATIONS_DIR);
    expect(res.applied.length).toBeGreaterThan(0);
    const diffs = await checkSchemaAgreement(server.url, DEFAULT_SCHEMA_PATH);
    expect(diffs, formatDifferences(diffs)).toEqual([]);
    // The check really looked at the migrated tables (an empty database would report every model missing).
    const tables = await sql(
      server.url,
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    expect(tables.rows[0].n).toBeGreaterThanOrEqual(9);
  });

  it("report an empty database as missing every model", async () => {
    const url = await freshDatabase("empty_db");
    const diffs = await checkSchemaAgreement(url, DEFAULT_SCHEMA_PATH);
    const missing = diffs.filter((d) => d.kind === "table").map((d) => d.object);
    expect(missing).toEqual(expect.arrayContaining(["users", "orders", "fills", "positions"]));
  });

  it("detect a dropped column, a changed type, a dropped index and a missing enum value", async () => {
    const url = await freshDatabase("drifted_db");
    await applyMigrations(url, DEFAULT_MIGRATIONS_DIR);
    expect(await checkSchemaAgreement(url, DEFAULT_SCHEMA_PATH)).toEqual([]);

    await sql(url, `ALTER TABLE "orders" DROP COLUMN "reject_reason"`);
    await sql(url, `ALTER TABLE "fills" ALTER COLUMN "quantity" TYPE INTEGER`);
    await sql(url, `DROP INDEX "orders_user_id_status_idx"`);
    // Recreate an enum without one of its values (PostgreSQL cannot drop an enum value in place).
    await sql(
      url,
      `ALTER TYPE "Liquidity" RENAME TO "Liquidity_old";
       CREATE TYPE "Liquidity" AS ENUM ('MAKER');
       ALTER TABLE "fills" ALTER COLUMN "liquidity" TYPE "Liquidity" USING ("liquidity"::text::"Liquidity");
       DROP TYPE "Liquidity_old";`,
    );

    const diffs = await checkSchemaAgreement(url, DEFAULT_SCHEMA_PATH);
    const text = formatDifferences(diffs);
    expect(diffs).toContainEqual(expect.objectContaining({ kind: "column", object: "orders.reject_reason" }));
    expect(diffs).toContainEqual(expect.objectContaining({ kind: "type", object: "fills.quantity" }));
    expect(text).toContain("orders_user_id_status_idx");
    expect(diffs).toContainEqual(expect.objectContaining({ kind: "enum", object: "Liquidity" }));
  });
});
