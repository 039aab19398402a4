// `npm run db:migrate [-- --check]` against a real PostgreSQL server: applies, is idempotent, proves agreement,
// fails with exit 1 on drift and exit 2 without a database.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { type StartedPostgres, startPostgres } from "@hft/devstack";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
let server: StartedPostgres;

function migrate(args: string[], env: Record<string, string | undefined>): { code: number; out: string } {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (env.DATABASE_URL === undefined) delete e.DATABASE_URL;
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", ...args], {
      cwd: ROOT,
      env: e,
      encoding: "utf8",
      stdio: "pipe",
      timeout: 60_000,
    });
    return { code: 0, out };
  } catch (err) {
    const x = err as { status: number; stdout?: string; stderr?: string };
    return { code: x.status, out: `${x.stdout ?? ""}${x.stderr ?? ""}` };
  }
}

beforeAll(async () => {
  server = await startPostgres({ fsync: false });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("npm run db:migrate", { timeout: 120_000 }, () => {
  it("applies the migrations, then finds nothing to do, and --check proves agreement", () => {
    const first = migrate([], { DATABASE_URL: server.url });
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/migrations: [1-9]\d* applied, 0 already applied/);
    const second = migrate(["--check"], { DATABASE_URL: server.url });
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/migrations: 0 applied, [1-9]\d* already applied/);
    expect(second.out).toContain("schema.prisma and the database agree");
  });

  it("--check exits 1 and names the difference when the database drifted", async () => {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      await c.query(`ALTER TABLE "positions" ADD COLUMN "surprise" INTEGER`);
    } finally {
      await c.end();
    }
    const r = migrate(["--check", "--database-url", server.url], {});
    expect(r.code).toBe(1);
    expect(r.out).toContain("positions.surprise");
  });

  it("exits 2 with a clear message when no database is given", () => {
    const r = migrate([], { DATABASE_URL: undefined });
    expect(r.code).toBe(2);
    expect(r.out).toContain("no database");
  });
});
