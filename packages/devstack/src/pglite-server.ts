// PostgreSQL wire-protocol server in front of one PGlite instance, safe for several client connections.
//
// PGlite is a single PostgreSQL backend. @electric-sql/pglite-socket serves it over TCP but interleaves the
// protocol messages of different connections one by one, so two clients using the extended protocol (Parse/Bind/
// Execute/Sync, which `pg` and Prisma use) can clobber each other's unnamed statements, and it therefore allows
// one connection by default. Here a connection holds the backend exclusively from its first message until
// PostgreSQL reports ReadyForQuery with status Idle: a whole query, or a whole transaction, runs without
// interleaving; other connections wait their turn. Pools of several connections (the backend's Prisma client
// plus its group-commit writer pool) therefore work, serialized. Session state (SET, named prepared statements,
// temp tables) is shared by all connections: clients must not rely on it.
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S', length 4

/** A simple-protocol Query message ('Q'). */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const msg = Buffer.alloc(5 + text.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + text.length, 1);
  text.copy(msg, 5);
  return new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
}
const ROLLBACK = queryMessage("ROLLBACK");

/** FIFO lock over the single PGlite backend, held by one connection at a time. */
class BackendLock {
  private owner: number | undefined;
  private waiters: { id: number; resolve: () => void }[] = [];
  holder(): number | undefined {
    return this.owner;
  }
  async acquire(id: number): Promise<void> {
    if (this.owner === id) return;
    if (this.owner === undefined) {
      this.owner = id;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ id, resolve }));
  }
  release(id: number): void {
    if (this.owner !== id) return;
    const next = this.waiters.shift();
    this.owner = next?.id;
    next?.resolve();
  }
  /** Removes a connection that went away while waiting. */
  forget(id: number): void {
    this.waiters = this.waiters.filter((w) => w.id !== id);
    this.release(id);
  }
}

/** Status byte of the last ReadyForQuery ('Z') message in a backend response, if any. */
function lastReadyStatus(buf: Uint8Array): string | undefined {
  let status: string | undefined;
  let i = 0;
  while (i + 5 <= buf.length) {
    const type = buf[i];
    const len = ((buf[i + 1] << 24) | (buf[i + 2] << 16) | (buf[i + 3] << 8) | buf[i + 4]) >>> 0;
    if (type === 0x5a && len === 5 && i + 6 <= buf.length) status = String.fromCharCode(buf[i + 5]);
    i += 1 + len;
  }
  return status;
}

export interface PgliteServerOptions {
  db: PGlite;
  host: string;
  port: number;
  /** Connections accepted at once (default 32); more are refused. */
  maxConnections?: number;
}

export class PgliteServer {
  private server: Server | undefined;
  private readonly lock = new BackendLock();
  private readonly sockets = new Set<Socket>();
  private nextId = 1;
  private closing = false;

  constructor(private readonly opts: PgliteServerOptions) {}

  async start(): Promise<void> {
    const srv = createServer((s) => this.onConnection(s));
    srv.maxConnections = this.opts.maxConnections ?? 32;
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(this.opts.port, this.opts.host, () => {
        srv.off("error", reject);
        resolve();
      });
    });
    this.server = srv;
  }

  async stop(): Promise<void> {
    this.closing = true;
    for (const s of this.sockets) s.destroy();
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    // Wait until no connection holds the backend (their cleanup rolls back open transactions).
    for (let i = 0; i < 100 && this.lock.holder() !== undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
  }

  private onConnection(socket: Socket): void {
    const id = this.nextId++;
    const { db } = this.opts;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    let started = false; // startup message seen
    let status = "I"; // transaction status from the last ReadyForQuery
    let midCommand = false; // holds the lock between a message and its ReadyForQuery
    let chain: Promise<void> = Promise.resolve();
    let closed = false;

    const exec = async (msg: Uint8Array): Promise<Uint8Array> =>
      await db.runExclusive(async () => await db.execProtocolRaw(msg));

    const handle = async (msg: Buffer, isStartup: boolean): Promise<void> => {
      if (closed) return;
      if (!isStartup && msg[0] === 0x58) {
        // Terminate: end the session here; PGlite's single backend must stay up for the others.
        socket.end();
        return;
      }
      await this.lock.acquire(id);
      if (closed) {
        this.lock.release(id);
        return;
      }
      midCommand = true;
      const res = await exec(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      if (res.length > 0 && socket.writable) socket.write(res);
      const s = lastReadyStatus(res);
      if (s !== undefined) {
        status = s;
        midCommand = false;
        if (s === "I") this.lock.release(id);
      }
    };

    const cleanup = async (): Promise<void> => {
      if (this.lock.holder() !== id) {
        this.lock.forget(id);
        return;
      }
      try {
        // Finish a half-sent extended-protocol command, then roll back whatever transaction the client left open.
        if (midCommand) status = lastReadyStatus(await exec(SYNC)) ?? status;
        // Through the wire protocol like the client's own messages (db.exec inside runExclusive would deadlock).
        if (status !== "I") await exec(ROLLBACK);
      } catch {
        // the backend is shared: never let one client's cleanup crash the server
      } finally {
        this.lock.release(id);
      }
    };

    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (!started) {
          if (buffered.length < 8) break;
          const len = buffered.readInt32BE(0);
          if (buffered.length < len) break;
          const code = buffered.readInt32BE(4);
          const msg = buffered.subarray(0, len);
          buffered = buffered.subarray(len);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N"); // no encryption on loopback
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.end(); // query cancellation is not supported
            return;
          }
          started = true;
          chain = chain.then(() => handle(Buffer.from(msg), true));
          continue;
        }
        if (buffered.length < 5) break;
        const len = buffered.readInt32BE(1);
        if (buffered.length < len + 1) break;
        const msg = Buffer.from(buffered.subarray(0, len + 1));
        buffered = buffered.subarray(len + 1);
        chain = chain.then(() => handle(msg, false));
      }
      chain = chain.catch(() => {
        socket.destroy();
      });
    });
    const onGone = () => {
      if (closed) return;
      closed = true;
      this.sockets.delete(socket);
      chain = chain.then(cleanup, cleanup);
    };
    socket.on("close", onGone);
    socket.on("error", onGone);
    if (this.closing) socket.destroy();
  }
}
