// gRPC test helpers: a real engine (in-process, or a child process running main.ts) on a free loopback port,
// and promise wrappers around the generated client. Every server and client is closed by the tests' hooks.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import {
  type ChannelCredentials,
  type ClientReadableStream,
  credentials as grpcCredentials,
  type Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import {
  type BookRequest,
  type BookSnapshot,
  type CancelRequest,
  type CommandBatch,
  type EngineStats,
  type ExecutionReport,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type ModifyRequest,
  NewOrder,
  type OpenOrdersRequest,
  type OrderRequest,
  type OrderResponse,
  OrderType,
  type ReferencePrices,
  type ReferencePricesAck,
  type ReportBatch,
  Side,
  type StatsRequest,
  type SymbolsRequest,
  type SymbolsResponse,
  TimeInForce,
  type TradingEngineClient,
  TradingEngineFastClient,
} from "@hft/proto";
import { pino } from "pino";
import { type EngineConfig, parseConfig } from "../../src/config/index.js";
import { type RunningEngine, startEngine } from "../../src/grpc/server.js";

export const MAIN_TS = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** A small config: two symbols, tick 0.01, liquidity provider off unless asked. */
export function testConfigYaml(over: { lp?: boolean; maxBatch?: number; extra?: string } = {}): string {
  return `
server:
  host: 127.0.0.1
  port: 0
  metrics_port: 0
  max_batch_size: ${over.maxBatch ?? 1000}
  shutdown_timeout_ms: 5000
liquidity_provider:
  enabled: ${over.lp ?? false}
  levels: 3
  quantity: 50
engine:
  max_open_orders_per_account: 1000
symbols:
  - symbol: AAPL
    tick_size: "0.01"
    lot_size: "1"
    reference_price: "190.00"
    price_band_bps: 1000
    max_order_quantity: 100000
    max_order_notional: "5000000"
  - symbol: MSFT
    tick_size: "0.01"
    lot_size: "1"
    reference_price: "420.00"
    price_band_bps: 1000
    max_order_quantity: 100000
    max_order_notional: "5000000"
${over.extra ?? ""}`;
}

export function testConfig(over: Parameters<typeof testConfigYaml>[0] = {}, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(testConfigYaml(over), env, "test config");
}

export interface InProcess {
  engine: RunningEngine;
  client: TradingEngineClient;
  address: string;
  close(): Promise<void>;
}

const silent = pino({ level: "silent" });

export async function startInProcess(config: EngineConfig, creds?: ChannelCredentials): Promise<InProcess> {
  const engine = await startEngine(config, silent);
  const address = `127.0.0.1:${engine.port}`;
  const client = new TradingEngineFastClient(address, creds ?? grpcCredentials.createInsecure());
  return {
    engine,
    client,
    address,
    async close() {
      client.close();
      await engine.shutdown("test done");
    },
  };
}

/** Request/response types of the unary RPCs (the generated client's overloads defeat inference). */
export interface UnaryRpcs {
  submitOrder: [OrderRequest, OrderResponse];
  healthCheck: [HealthCheckRequest, HealthCheckResponse];
  placeOrder: [NewOrder, ReportBatch];
  cancelOrder: [CancelRequest, ReportBatch];
  modifyOrder: [ModifyRequest, ReportBatch];
  getSymbols: [SymbolsRequest, SymbolsResponse];
  getOrderBook: [BookRequest, BookSnapshot];
  getOpenOrders: [OpenOrdersRequest, ReportBatch];
  getStats: [StatsRequest, EngineStats];
  setReferencePrices: [ReferencePrices, ReferencePricesAck];
}

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

/** Promise wrapper for a unary call: resolves with the response, rejects with the ServiceError. */
export function unary<M extends keyof UnaryRpcs>(
  client: TradingEngineClient,
  method: M,
  req: UnaryRpcs[M][0],
): Promise<UnaryRpcs[M][1]> {
  const fn = client[method] as unknown as (req: UnaryRpcs[M][0], cb: Callback<UnaryRpcs[M][1]>) => unknown;
  return new Promise((resolve, reject) => {
    fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Expect a unary call to fail; returns its ServiceError. */
export async function unaryError<M extends keyof UnaryRpcs>(
  client: TradingEngineClient,
  method: M,
  req: UnaryRpcs[M][0],
): Promise<ServiceError> {
  try {
    await unary(client, method, req);
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error(`expected ${method} to fail`);
}

export function rejectReasonOf(err: ServiceError): string | undefined {
  const v = (err.metadata as Metadata | undefined)?.get("reject-reason")[0];
  return typeof v === "string" ? v : undefined;
}

export function limit(over: Partial<NewOrder> = {}): NewOrder {
  return NewOrder.fromPartial({
    account: "alice",
    symbol: "AAPL",
    side: Side.BUY,
    orderType: OrderType.LIMIT,
    timeInForce: TimeInForce.GTC,
    price: 18_900,
    quantity: 10,
    ...over,
  });
}

/** Sends batches on one OrderStream and resolves each with its ReportBatch (matched by batch_id). */
export class BatchStream {
  private readonly waiting = new Map<number, (b: ReportBatch) => void>();
  private readonly call;
  readonly closed: Promise<ServiceError | null>;

  constructor(client: TradingEngineClient) {
    this.call = client.orderStream();
    this.call.on("data", (b: ReportBatch) => {
      const w = this.waiting.get(b.batchId);
      this.waiting.delete(b.batchId);
      w?.(b);
    });
    this.closed = new Promise((resolve) => {
      this.call.on("error", (err: ServiceError) => resolve(err));
      this.call.on("end", () => resolve(null));
    });
  }

  send(batch: CommandBatch): Promise<ReportBatch> {
    return new Promise((resolve) => {
      this.waiting.set(batch.batchId, resolve);
      this.call.write(batch);
    });
  }

  end(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** Collects a server stream's messages; `next(n)` waits until n messages arrived (bounded by `ms`). */
export class Collector<T> {
  readonly items: T[] = [];
  error: ServiceError | undefined;
  ended = false;
  private wake: (() => void) | undefined;

  constructor(readonly stream: ClientReadableStream<T>) {
    stream.on("data", (m: T) => {
      this.items.push(m);
      this.wake?.();
    });
    stream.on("error", (e: ServiceError) => {
      this.error = e;
      this.wake?.();
    });
    stream.on("end", () => {
      this.ended = true;
      this.wake?.();
    });
  }

  async waitFor(pred: (items: T[]) => boolean, ms = 5000): Promise<T[]> {
    const deadline = Date.now() + ms;
    while (!pred(this.items)) {
      if (this.error !== undefined || this.ended) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms with ${this.items.length} messages`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 100));
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return this.items;
  }

  cancel(): void {
    this.stream.cancel();
  }
}

export const reportsOf = (reports: ExecutionReport[], execType: number): ExecutionReport[] =>
  reports.filter((r) => r.execType === execType);

/** A free TCP port on 127.0.0.1 (for the metrics server of a child process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  port: number;
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Run main.ts as a child process (the way operators start it). Resolves once the "engine listening" log line
 * names the port; rejects if the process exits first or after `timeoutMs`.
 */
export function spawnEngine(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN_TS, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const child: Child = {
    proc,
    stdout: "",
    stderr: "",
    port: 0,
    exited: new Promise((resolve) => proc.once("exit", (code) => resolve(code))),
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`engine did not start in ${timeoutMs} ms: ${child.stderr}`));
    }, timeoutMs);
    proc.stdout?.setEncoding("utf8");
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (d: string) => {
      child.stderr += d;
    });
    proc.stdout?.on("data", (d: string) => {
      child.stdout += d;
      if (child.port !== 0) return;
      for (const line of child.stdout.split("\n")) {
        if (!line.includes('"engine listening"')) continue;
        child.port = (JSON.parse(line) as { port: number }).port;
        clearTimeout(timer);
        resolve(child);
        return;
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      if (child.port === 0) reject(Object.assign(new Error(`engine exited with ${code}`), { child, code }));
    });
  });
}

/** Run main.ts to completion (for --help and configuration errors). */
export function runEngine(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", MAIN_TS, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    proc.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`engine still running after ${timeoutMs} ms`));
    }, timeoutMs);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
