// A real PostgreSQL server from the system's binaries, in a throw-away data directory, for tests and benchmarks.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, waitFor } from "./net.js";
import { type ManagedProcess, ProcessStartError, startProcess } from "./process.js";

export interface StartPostgresOptions {
  /**
   * fsync and synchronous commit (default true). Turn off only where durability is not what is tested:
   * a server without fsync loses acknowledged commits on a power cut.
   */
  fsync?: boolean;
  /** Database created for the application (default "hft"). */
  database?: string;
  /** Role created for the application, owner of the database (default "hft"). */
  user?: string;
  /** Its password (default: random). */
  password?: string;
  /** TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Extra server settings, passed as `-c key=value`. */
  settings?: Record<string, string | number>;
  /** Forward the server's log lines to this stream. */
  echo?: NodeJS.WritableStream;
  /** Keep the data directory after stop() (default false). */
  keepDataDir?: boolean;
}

export interface StartedPostgres {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  port: number;
  host: string;
  database: string;
  user: string;
  password: string;
  dataDir: string;
  /** pid of the postmaster (also its process group: backends are in the same group). */
  pid: number;
  /** Superuser connection over the Unix socket (for tests that need to create more databases). */
  adminConfig: pg.ClientConfig;
  /** Fast shutdown (SIGINT), then removes the data directory. */
  stop(): Promise<void>;
}

/** Directory of the newest PostgreSQL server binaries on this machine. */
export function findPostgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "postgres")))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions.length > 0) return join(root, versions[0], "bin");
  }
  for (const dir of ["/usr/local/bin", "/usr/bin", "/usr/local/pgsql/bin"]) {
    if (existsSync(join(dir, "postgres")) && existsSync(join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin, /usr/local/bin, /usr/bin): " +
      "install the `postgresql` package (apt-get install postgresql)",
  );
}

/** uid/gid to run the server as: the `postgres` user when we are root (postgres refuses to run as root). */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root but there is no `postgres` user to run PostgreSQL as");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<StartedPostgres> {
  const bin = findPostgresBinDir();
  const database = opts.database ?? "hft";
  const user = opts.user ?? "hft";
  const password = opts.password ?? randomBytes(12).toString("hex");
  if (!IDENT.test(database) || !IDENT.test(user))
    throw new Error("database and user must be plain identifiers");
  const fsync = opts.fsync ?? true;
  const who = serverIdentity();

  const baseDir = mkdtempSync(join(tmpdir(), "hft-pg-"));
  const dataDir = join(baseDir, "data");
  const cleanup = () => {
    if (!opts.keepDataDir) rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    if (who) chownSync(baseDir, who.uid, who.gid);
    // Local (Unix socket) superuser access is trust, only inside the private socket directory; TCP needs a password.
    execFileSync(
      join(bin, "initdb"),
      [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
      ],
      { stdio: "pipe", ...(who ? { uid: who.uid, gid: who.gid } : {}), cwd: baseDir },
    );
    writeFileSync(join(dataDir, "postgresql.auto.conf"), "", { flag: "a" });
  } catch (err) {
    cleanup();
    const out = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`initdb failed: ${err instanceof Error ? err.message : String(err)}\n${out}`);
  }

  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: baseDir,
    fsync: fsync ? "on" : "off",
    synchronous_commit: fsync ? "on" : "off",
    full_page_writes: fsync ? "on" : "off",
    max_connections: 200,
    ...opts.settings,
  };

  let server: ManagedProcess | undefined;
  let port = 0;
  // A free port can be taken between probing and binding: retry a few times on a fixed port of our choosing.
  for (let attempt = 0; attempt < 3 && !server; attempt++) {
    port = opts.port ?? (await freePort());
    const args = ["-D", dataDir, "-p", String(port)];
    for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
    try {
      server = await startProcess({
        name: "postgres",
        command: join(bin, "postgres"),
        args,
        cwd: baseDir,
        ...(who ? { uid: who.uid, gid: who.gid } : {}),
        ...(opts.echo ? { echo: opts.echo } : {}),
        stopTimeoutMs: 15_000,
        // SIGINT = PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
        stopSignal: "SIGINT",
        stopSignalToGroup: false,
        ready: async (_p, signal) => {
          await waitFor(
            async () => {
              const c = new pg.Client({ host: baseDir, port, user: "postgres", database: "postgres" });
              try {
                await c.connect();
                await c.query("select 1");
                return true;
              } finally {
                await c.end().catch(() => {});
              }
            },
            { what: `PostgreSQL on port ${port}`, timeoutMs: 30_000, signal },
          );
        },
      });
    } catch (err) {
      const inUse =
        err instanceof ProcessStartError && /could not bind|Address already in use/i.test(err.logTail);
      if (!inUse || opts.port !== undefined || attempt === 2) {
        cleanup();
        throw err;
      }
    }
  }
  if (!server) throw new Error("PostgreSQL did not start");
  const srv = server;

  const adminConfig: pg.ClientConfig = { host: baseDir, port, user: "postgres", database: "postgres" };
  const admin = new pg.Client(adminConfig);
  try {
    await admin.connect();
    await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${user}`);
  } catch (err) {
    await srv.stop();
    cleanup();
    throw err;
  } finally {
    await admin.end().catch(() => {});
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    host: "127.0.0.1",
    database,
    user,
    password,
    dataDir,
    pid: srv.pid,
    adminConfig,
    stop: () => {
      stopped ??= (async () => {
        await srv.stop();
        cleanup();
      })();
      return stopped;
    },
  };
}
