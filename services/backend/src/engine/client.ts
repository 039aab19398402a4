// gRPC client of the matching engine: unary calls with deadlines, plus ONE long-lived OrderStream through which
// every order command goes. Commands issued in the same event-loop turn travel as one CommandBatch; each
// ReportBatch is handed to a single handler in stream order (maker fills of resting orders arrive as reports
// of other users' commands, so routing happens there, not per call).
import { readFileSync } from "node:fs";
import type { ChannelCredentials, Client, ServiceError } from "@grpc/grpc-js";
import { type ClientDuplexStream, credentials, Metadata } from "@grpc/grpc-js";
import {
  type BookSnapshot,
  type CommandBatch,
  type EngineStats,
  type ExecutionReport,
  type HealthCheckResponse,
  type MarketDataEvent,
  type OrderCommand,
  type ReportBatch,
  type SymbolInfo,
  TradingEngineFastClient,
} from "@hft/proto";
import type { Logger } from "pino";
import type { Metrics } from "../metrics/index.js";

export interface EngineTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export class EngineUnavailableError extends Error {
  constructor(message = "engine unavailable") {
    super(message);
    this.name = "EngineUnavailableError";
  }
}

// Same wire format as the generated client, with the hand-tuned codec (proto/fastcodec.ts) on the OrderStream:
// the generated ts-proto codec was a large share of the backend's CPU per order.
const EngineClientCtor = TradingEngineFastClient as unknown as new (
  address: string,
  creds: ChannelCredentials,
  options: Record<string, unknown>,
) => Client;

type Unary<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: { deadline: Date },
  cb: (err: ServiceError | null, res: Res) => void,
) => void;

const MAX_COMMANDS_PER_BATCH = 1000;

export class EngineClient {
  private readonly client: Client;
  private stream: ClientDuplexStream<CommandBatch, ReportBatch> | null = null;
  private outbox: OrderCommand[] = [];
  private flushScheduled = false;
  private nextBatchId = 1;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  streamConnected = false;
  onReports: (batch: ReportBatch) => void = () => undefined;
  onStreamUp: () => void = () => undefined;
  onStreamDown: (err: Error) => void = () => undefined;

  constructor(
    readonly address: string,
    tls: EngineTls,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.client = new EngineClientCtor(address, makeCredentials(tls), {
      "grpc.keepalive_time_ms": 10_000,
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
      // HTTP/2 receive window for the report stream: the 64 KiB default stalls a pipelined stream every 64 KiB.
      "grpc-node.flow_control_window": 32 * 1024 * 1024,
    });
  }

  private unary<Req, Res>(method: string, req: Req, timeoutMs = this.timeoutMs): Promise<Res> {
    // The generic client has one method per rpc (camelCase); typed through the Unary shape above.
    const fn = (this.client as unknown as Record<string, Unary<Req, Res>>)[method].bind(this.client);
    return new Promise((resolve, reject) => {
      fn(req, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
        if (err) {
          this.metrics.grpcErrors.inc({ method });
          reject(err);
        } else resolve(res);
      });
    });
  }

  healthCheck(timeoutMs = 1000): Promise<HealthCheckResponse> {
    return this.unary("healthCheck", {}, timeoutMs);
  }
  async getSymbols(): Promise<SymbolInfo[]> {
    return (await this.unary<object, { symbols: SymbolInfo[] }>("getSymbols", {})).symbols;
  }
  getOrderBook(symbol: string, depth: number): Promise<BookSnapshot> {
    return this.unary("getOrderBook", { symbol, depth });
  }
  async getOpenOrders(account = "", symbol = ""): Promise<ExecutionReport[]> {
    return (await this.unary<object, ReportBatch>("getOpenOrders", { account, symbol }, 30_000)).reports;
  }
  getStats(): Promise<EngineStats> {
    return this.unary("getStats", {});
  }
  async setReferencePrices(prices: { symbol: string; price: number }[]): Promise<number> {
    return (await this.unary<object, { updated: number }>("setReferencePrices", { prices })).updated;
  }

  subscribeMarketData(
    onEvent: (e: MarketDataEvent) => void,
    onEnd: (err?: Error) => void,
  ): { cancel: () => void } {
    const call = (
      this.client as unknown as Record<
        string,
        (req: object) => NodeJS.ReadableStream & { cancel: () => void; on: (ev: string, fn: unknown) => void }
      >
    ).subscribeMarketData({ symbols: [], depth: 10 });
    call.on("data", onEvent);
    call.on("error", (err: Error) => onEnd(err));
    call.on("end", () => onEnd());
    return { cancel: () => call.cancel() };
  }

  /** Opens (or re-opens) the order stream; retries every second until the engine answers. */
  connectStream(): void {
    if (this.closed || this.stream) return;
    const stream = (
      this.client as unknown as Record<string, () => ClientDuplexStream<CommandBatch, ReportBatch>>
    ).orderStream();
    this.stream = stream;
    let up = false;
    const markUp = () => {
      if (up) return;
      up = true;
      this.streamConnected = true;
      this.onStreamUp();
    };
    // grpc-js reports the stream as ready once response metadata arrives or the first message does.
    stream.on("metadata", markUp);
    stream.on("data", (batch: ReportBatch) => {
      markUp();
      this.onReports(batch);
    });
    const down = (err: Error) => {
      if (this.stream !== stream) return;
      this.stream = null;
      this.streamConnected = false;
      this.metrics.grpcErrors.inc({ method: "orderStream" });
      this.log.debug({ err: err.message }, "engine order stream closed; reconnecting in 1 s");
      this.onStreamDown(err);
      if (!this.closed && !this.reconnectTimer) {
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = null;
          this.connectStream();
        }, 1000);
      }
    };
    stream.on("error", (err: Error) => down(err));
    stream.on("end", () => down(new EngineUnavailableError("order stream ended")));
    // Probe with an empty batch so a live engine answers (and metadata arrives) right away.
    stream.write({ batchId: this.nextBatchId++, commands: [] });
  }

  /** Queues a command; commands of one event-loop turn go out as one batch. */
  send(cmd: OrderCommand): void {
    if (!this.stream || !this.streamConnected)
      throw new EngineUnavailableError("engine order stream is not connected");
    this.outbox.push(cmd);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushOutbox());
    }
  }

  private flushOutbox(): void {
    this.flushScheduled = false;
    const stream = this.stream;
    while (this.outbox.length > 0) {
      const commands = this.outbox.splice(0, MAX_COMMANDS_PER_BATCH);
      if (!stream) {
        // Stream dropped between send() and flush: answer the commands as failed through the handler.
        this.onStreamDown(new EngineUnavailableError("engine order stream dropped"));
        return;
      }
      stream.write({ batchId: this.nextBatchId++, commands });
    }
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stream?.cancel();
    this.stream = null;
    this.client.close();
  }
}

function makeCredentials(tls: EngineTls): ChannelCredentials {
  if (!tls.ca && !tls.cert) return credentials.createInsecure();
  return credentials.createSsl(
    tls.ca ? readFileSync(tls.ca) : null,
    tls.key ? readFileSync(tls.key) : null,
    tls.cert ? readFileSync(tls.cert) : null,
  );
}
