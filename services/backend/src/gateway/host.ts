// The main thread's side of the HTTP gateway threads: starts them on the public port, runs the orders they
// forward against the trading core, and sends each thread its replies batched per event-loop turn.
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { errorReply } from "../http/errors.js";
import { orderResponseBody } from "../routes/orderEntry.js";
import type { OrderResult, TradingCore } from "../state/core.js";
import type { GatewayData, OrderCall, OrderReply, ToGateway, ToMain } from "./protocol.js";

export interface Gateways {
  /** the public address the gateway threads listen on */
  address: string;
  invalidateAuth(): void;
  /** stop taking connections; resolves once every gateway answered its requests in flight and exited */
  stop(): Promise<void>;
}

export interface GatewayOptions extends Omit<GatewayData, "index"> {
  count: number;
  entry: TradingCore;
  log: Logger;
  /** called when a gateway thread dies unexpectedly (the API would silently lose capacity) */
  onCrash: (err: Error) => void;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

function run(entry: TradingCore, c: OrderCall["call"]): Promise<OrderResult> {
  switch (c.op) {
    case "place":
      return entry.placeOrder(c.userId, c.body, c.t0);
    case "cancel":
      return entry.cancelOrder(c.userId, c.orderId);
    case "modify":
      return entry.modifyOrder(c.userId, c.orderId, c.body);
  }
}

class GatewayThread {
  private replies: OrderReply[] = [];
  private flushScheduled = false;
  stopping = false;
  /** the port it listens on, once listening */
  port = 0;

  constructor(
    readonly worker: Worker,
    private readonly entry: TradingCore,
    private readonly log: Logger,
  ) {}

  serve(calls: OrderCall[]): void {
    for (const { id, call } of calls) {
      run(this.entry, call).then(
        (r) => this.reply({ id, status: r.status, json: JSON.stringify(orderResponseBody(r)) }),
        (err: unknown) => this.reply({ id, ...errorReply(err, this.log) }),
      );
    }
  }

  send(m: ToGateway): void {
    this.worker.postMessage(m);
  }

  private reply(r: OrderReply): void {
    this.replies.push(r);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const replies = this.replies;
      this.replies = [];
      this.send({ type: "replies", replies });
    });
  }
}

function startOne(opts: GatewayOptions, index: number, port: number): Promise<GatewayThread> {
  const data: GatewayData = {
    index,
    host: opts.host,
    port,
    upstream: opts.upstream,
    authSecret: opts.authSecret,
    databaseUrl: opts.databaseUrl,
    logLevel: opts.logLevel,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    trustProxy: opts.trustProxy,
    corsOrigins: opts.corsOrigins,
  };
  // The thread runs TypeScript like the main thread does: keep tsx's loader (inherited unless absent).
  const execArgv = process.execArgv.some((a) => a.includes("tsx"))
    ? process.execArgv
    : [...process.execArgv, "--import", "tsx"];
  const worker = new Worker(WORKER_URL, { workerData: data, execArgv });
  const thread = new GatewayThread(worker, opts.entry, opts.log);
  return new Promise((resolve, reject) => {
    let listening = false;
    worker.on("message", (m: ToMain) => {
      if (m.type === "calls") thread.serve(m.calls);
      else if (m.type === "listening") {
        listening = true;
        thread.port = m.port;
        resolve(thread);
      }
    });
    worker.on("error", (err) => {
      if (!listening) reject(err);
      else if (!thread.stopping) opts.onCrash(err);
    });
    worker.on("exit", (code) => {
      if (!listening) reject(new Error(`gateway thread ${index} exited with code ${code} before listening`));
      else if (!thread.stopping) opts.onCrash(new Error(`gateway thread ${index} exited with code ${code}`));
    });
  });
}

/** Starts `count` gateway threads on host:port (port 0: the first one picks it, the others share it). */
export async function startGateways(opts: GatewayOptions): Promise<Gateways> {
  const threads: GatewayThread[] = [];
  let port = opts.port;
  try {
    for (let i = 0; i < opts.count; i++) {
      const t = await startOne(opts, i, port);
      port = t.port;
      threads.push(t);
    }
  } catch (err) {
    for (const t of threads) {
      t.stopping = true;
      await t.worker.terminate();
    }
    throw err;
  }
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    address: `http://${host}:${port}`,
    invalidateAuth() {
      for (const t of threads) t.send({ type: "invalidate-auth" });
    },
    async stop() {
      await Promise.all(
        threads.map(
          (t) =>
            new Promise<void>((resolve) => {
              t.stopping = true;
              t.worker.once("exit", () => resolve());
              t.worker.on("message", (m: ToMain) => {
                if (m.type === "stopped") void t.worker.terminate();
              });
              t.send({ type: "stop" });
            }),
        ),
      );
    },
  };
}
