// The embedded default database (PGlite over the PostgreSQL wire protocol): the migrations apply to it, the schema
// check agrees, and several `pg` clients are served correctly — one transaction at a time, never interleaved.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  checkSchemaAgreement,
  type EmbeddedPostgres,
  formatDifferences,
  readMigrations,
  startEmbeddedPostgres,
} from "../src/index.js";

let db: EmbeddedPostgres;

beforeAll(async () => {
  db = await startEmbeddedPostgres({ dataDir: "memory://" });
}, 60_000);

afterAll(async () => {
  await db?.stop();
});

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  return c;
}

describe("embedded PostgreSQL (PGlite TCP server)", { timeout: 60_000 }, () => {
  it("accepts prisma/migrations and agrees with schema.prisma", async () => {
    const res = await applyMigrations(db.url);
    expect(res.applied).toEqual(readMigrations().map((m) => m.name));
    expect((await applyMigrations(db.url)).applied).toEqual([]);
    const diffs = await checkSchemaAgreement(db.url);
    expect(diffs, formatDifferences(diffs)).toEqual([]);
  });

  it("serves two pg clients: a transaction is isolated and the other client waits for it", async () => {
    const a = await connect();
    const b = await connect();
    try {
      await a.query(`CREATE TABLE two_clients (id INTEGER PRIMARY KEY, who TEXT NOT NULL)`);
      await a.query("BEGIN");
      await a.query(`INSERT INTO two_clients VALUES ($1, $2)`, [1, "a"]); // extended protocol

      // b's query must not run inside a's open transaction: it waits until a commits.
      let bDone = false;
      const bQuery = b.query<{ n: number }>(`SELECT count(*)::int AS n FROM two_clients`).then((r) => {
        bDone = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(bDone).toBe(false);
      await a.query(`INSERT INTO two_clients VALUES ($1, $2)`, [2, "a"]);
      await a.query("COMMIT");
      const seen = await bQuery;
      expect(seen.rows[0].n).toBe(2);

      // Both clients issuing extended-protocol queries at the same time each get their own results.
      const run = async (c: pg.Client, tag: string): Promise<string[]> => {
        const out: string[] = [];
        for (let i = 0; i < 20; i++)
          out.push((await c.query<{ v: string }>(`SELECT $1::text AS v`, [`${tag}${i}`])).rows[0].v);
        return out;
      };
      const [fromA, fromB] = await Promise.all([run(a, "a"), run(b, "b")]);
      expect(fromA).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
      expect(fromB).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));

      // A client that disconnects inside a transaction is rolled back and frees the backend (this hung before
      // the server rolled back through the wire protocol).
      await b.query("BEGIN");
      await b.query(`INSERT INTO two_clients VALUES (3, 'b')`);
      await b.end();
      const after = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM two_clients`);
      expect(after.rows[0].n).toBe(2);
    } finally {
      await a.end().catch(() => {});
      await b.end().catch(() => {});
    }
  });

  it("serves a pg.Pool of several connections running concurrent transactions", async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      await pool.query(`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
      await pool.query(`INSERT INTO counter VALUES (1, 0)`);
      // Read-modify-write in transactions: lost updates would show if transactions interleaved.
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const c = await pool.connect();
          try {
            await c.query("BEGIN");
            const { rows } = await c.query<{ n: number }>(`SELECT n FROM counter WHERE id = 1`);
            await c.query(`UPDATE counter SET n = $1 WHERE id = 1`, [rows[0].n + 1]);
            await c.query("COMMIT");
          } finally {
            c.release();
          }
        }),
      );
      const { rows } = await pool.query<{ n: number }>(`SELECT n FROM counter WHERE id = 1`);
      expect(rows[0].n).toBe(20);
    } finally {
      await pool.end();
    }
  });
});
