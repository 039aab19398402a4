// Embedded PostgreSQL for the local run: PGlite (PostgreSQL compiled to WASM, in this process) served over the
// PostgreSQL wire protocol on TCP, so the backend connects with its ordinary `pg` driver and a fresh machine needs
// no database install.
//
// Limitation: PGlite is a single PostgreSQL backend. Several client connections are accepted, but they are
// served one query (or one whole transaction) at a time — see pglite-server.ts; an open transaction blocks every
// other client until it ends. Keep pools small (MAX_POOL_SIZE=1 is what the launcher uses) and transactions short.
// For anything concurrent or performance-related, use a real PostgreSQL (DATABASE_URL).
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { freePort } from "./net.js";
import { DEFAULT_PGLITE_DIR } from "./paths.js";
import { PgliteServer } from "./pglite-server.js";

export interface StartEmbeddedPostgresOptions {
  /**
   * Directory holding the database files; a restart with the same directory keeps the data
   * (default .data/pglite under the repository, gitignored). Pass "memory://" for a throw-away database.
   */
  dataDir?: string;
  /** TCP port on `host` (default: a free one). */
  port?: number;
  host?: string;
  /** Client connections accepted at once (default 32; they are served one transaction at a time). */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@host:port/postgres?sslmode=disable */
  url: string;
  port: number;
  host: string;
  dataDir: string;
  /** The in-process database, for direct access (e.g. tests) while no TCP client is connected. */
  db: PGlite;
  /** Closes client connections, stops the listener and flushes/closes the database. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  opts: StartEmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const dataDir = opts.dataDir ?? DEFAULT_PGLITE_DIR;
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const host = opts.host ?? "127.0.0.1";
  const db = await PGlite.create(dataDir);
  let server: PgliteServer | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && !server; attempt++) {
    port = opts.port ?? (await freePort(host));
    const s = new PgliteServer({ db, port, host, maxConnections: opts.maxConnections ?? 32 });
    try {
      await s.start();
      server = s;
    } catch (err) {
      if (opts.port !== undefined || attempt === 2 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") {
        await db.close();
        throw new Error(`embedded PostgreSQL could not listen on ${host}:${port}: ${(err as Error).message}`);
      }
    }
  }
  if (!server) throw new Error("embedded PostgreSQL did not start");
  const srv = server;
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    port,
    host,
    dataDir,
    db,
    stop: () => {
      stopped ??= (async () => {
        await srv.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}
