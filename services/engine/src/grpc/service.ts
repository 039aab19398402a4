// trading.pb.TradingEngine handlers. Every handler catches its own errors: a bad request gets a status, a bug
// gets INTERNAL and a log line, and the server keeps serving.
import { readFileSync } from "node:fs";
import {
  type handleBidiStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  type ServerErrorResponse,
  type ServerWritableStream,
  status,
} from "@grpc/grpc-js";
import {
  type BookSnapshot,
  type CancelRequest,
  type CommandBatch,
  ExecType,
  type ExecutionReport,
  type ExecutionsRequest,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type MarketDataEvent,
  type MarketDataRequest,
  type ModifyRequest,
  type NewOrder,
  type OpenOrdersRequest,
  type OrderCommand,
  type OrderRequest,
  type OrderResponse,
  RejectReason,
  type ReportBatch,
  rejectReasonToJSON,
  type SymbolsResponse,
  type TradingEngineServer,
} from "@hft/proto";
import type { Logger } from "pino";
import { type MarketDataSink, UnknownSymbolError } from "../marketdata/hub.js";
import { EdgeError, toNewOrder, toOrderResponse } from "./compat.js";
import { type EngineRuntime, engineNowNs, START_TIME_UNIX_MS, serviceReject } from "./runtime.js";

const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Engine rejects that mean "the request itself is malformed": INVALID_ARGUMENT on unary calls. */
const VALIDATION_REASONS = new Set<RejectReason>([
  RejectReason.UNKNOWN_SYMBOL,
  RejectReason.INVALID_QUANTITY,
  RejectReason.INVALID_PRICE,
  RejectReason.PRICE_OFF_TICK,
  RejectReason.QUANTITY_OFF_LOT,
  RejectReason.INVALID_EXPIRY,
  RejectReason.INVALID_ORDER_TYPE,
  RejectReason.INVALID_TIME_IN_FORCE,
  RejectReason.INVALID_SIDE,
  RejectReason.INVALID_ACCOUNT,
  RejectReason.INVALID_DISPLAY_QUANTITY,
  RejectReason.INVALID_STOP_PRICE,
]);

const MAX_DEPTH = 1000;

export function invalidArgument(reason: RejectReason, message: string): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set("reject-reason", rejectReasonToJSON(reason));
  return { name: "InvalidArgument", message, code: status.INVALID_ARGUMENT, details: message, metadata };
}

function statusError(code: status, message: string): ServerErrorResponse {
  return { name: "Error", message, code, details: message };
}

export interface ServiceState {
  /** true once shutdown started: new work is refused. */
  draining: boolean;
  /** Open OrderStreams, so shutdown can finish and end them. */
  streams: Set<{ end(): void }>;
}

export function createTradingService(
  rt: EngineRuntime,
  log: Logger,
  state: ServiceState,
): TradingEngineServer {
  const stats = rt.stats;
  const maxBatch = rt.config.server.maxBatchSize;

  const internal = (call: string, err: unknown): ServerErrorResponse => {
    log.error({ err, call }, "handler failed");
    return statusError(status.INTERNAL, `internal error in ${call}`);
  };

  /** Unary native command: validation rejects -> INVALID_ARGUMENT, everything else -> the reports. */
  const unaryCommand = (
    name: string,
    cmd: OrderCommand,
    callback: (err: ServerErrorResponse | null, value?: ReportBatch) => void,
  ): void => {
    if (state.draining) {
      callback(statusError(status.UNAVAILABLE, "engine is shutting down"));
      return;
    }
    try {
      const t0 = performance.now();
      const out: ExecutionReport[] = [];
      rt.execute(cmd, out);
      stats.commandLatency.recordNs((performance.now() - t0) * 1e6);
      rt.afterCommands();
      const first = out[0];
      if (first?.execType === ExecType.EXEC_REJECTED && VALIDATION_REASONS.has(first.rejectReason)) {
        callback(
          invalidArgument(first.rejectReason, `${rejectReasonToJSON(first.rejectReason)}: ${first.text}`),
        );
        return;
      }
      callback(null, { batchId: 0, reports: out });
    } catch (err) {
      callback(internal(name, err));
    }
  };

  const submitOrder: handleUnaryCall<OrderRequest, OrderResponse> = (call, callback) => {
    if (state.draining) {
      callback(statusError(status.UNAVAILABLE, "engine is shutting down"));
      return;
    }
    try {
      const req = call.request;
      const spec = rt.engine.getSymbols().find((s) => s.symbol === req.symbol);
      const snap = spec !== undefined ? rt.engine.snapshot(req.symbol, 1) : undefined;
      let order: NewOrder;
      try {
        order = toNewOrder(req, spec, {
          lastPrice: snap?.lastPrice ?? 0,
          referencePrice: spec?.referencePrice ?? 0,
        });
      } catch (err) {
        if (err instanceof EdgeError) {
          callback(invalidArgument(err.reason, `${rejectReasonToJSON(err.reason)}: ${err.message}`));
          return;
        }
        throw err;
      }
      order.requestId = nextCompatRequestId++;
      const t0 = performance.now();
      const out: ExecutionReport[] = [];
      rt.execute({ command: { $case: "newOrder", value: order } }, out);
      stats.commandLatency.recordNs((performance.now() - t0) * 1e6);
      rt.afterCommands();
      const first = out[0];
      if (first?.execType === ExecType.EXEC_REJECTED && VALIDATION_REASONS.has(first.rejectReason)) {
        callback(
          invalidArgument(first.rejectReason, `${rejectReasonToJSON(first.rejectReason)}: ${first.text}`),
        );
        return;
      }
      callback(null, toOrderResponse(out, spec!, order.requestId));
    } catch (err) {
      callback(internal("SubmitOrder", err));
    }
  };

  const healthCheck: handleUnaryCall<HealthCheckRequest, HealthCheckResponse> = (_call, callback) => {
    const now = Date.now();
    callback(null, {
      healthy: !state.draining,
      status: state.draining ? "NOT_SERVING" : "SERVING",
      version: VERSION,
      uptimeSeconds: Math.floor((now - stats.startedAtMs) / 1000),
      timestampMs: now,
      startTimeUnixMs: START_TIME_UNIX_MS,
    });
  };

  const orderStream: handleBidiStreamingCall<CommandBatch, ReportBatch> = (call) => {
    const handle = { end: () => call.end() };
    state.streams.add(handle);
    let ended = false;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      state.streams.delete(handle);
    };
    call.on("data", (batch: CommandBatch) => {
      if (ended) return;
      const t0 = performance.now();
      try {
        const cmds = batch.commands;
        const n = cmds.length;
        if (n > maxBatch || state.draining) {
          const reason = state.draining ? RejectReason.ENGINE_SHUTTING_DOWN : RejectReason.BATCH_TOO_LARGE;
          const text = state.draining
            ? "engine is shutting down: batch not executed"
            : `batch of ${n} commands exceeds the maximum of ${maxBatch}: nothing executed`;
          stats.onRejectedCommands(reason, 1);
          call.write({ batchId: batch.batchId, reports: [serviceReject(0, "", "", reason, text)] });
          return;
        }
        const out: ExecutionReport[] = [];
        for (let i = 0; i < n; i++) rt.execute(cmds[i], out);
        stats.batches++;
        rt.afterCommands();
        call.write({ batchId: batch.batchId, reports: out });
        // every command of a batch is acknowledged by the same write: one latency value for all of them
        const ns = (performance.now() - t0) * 1e6;
        stats.commandLatency.recordNsMany(ns, n);
        stats.batchLatency.recordNs(ns);
      } catch (err) {
        log.error({ err, batchId: batch.batchId }, "OrderStream batch failed");
        call.emit("error", statusError(status.INTERNAL, `internal error in batch ${batch.batchId}`));
        finish();
      }
    });
    call.on("end", () => {
      finish();
      call.end();
    });
    call.on("error", () => finish());
    call.on("cancelled", () => finish());
  };

  const getSymbols: handleUnaryCall<unknown, SymbolsResponse> = (_call, callback) => {
    try {
      callback(null, {
        symbols: rt.engine.getSymbols().map((s) => ({
          symbol: s.symbol,
          tickSize: s.tickSize,
          lotSize: s.lotSize,
          referencePrice: s.referencePrice,
          priceBandBps: s.priceBandBps,
          maxOrderQuantity: s.maxOrderQuantity,
          maxOrderNotional: s.maxOrderNotional,
        })),
      });
    } catch (err) {
      callback(internal("GetSymbols", err));
    }
  };

  const getOrderBook: handleUnaryCall<{ symbol: string; depth: number }, BookSnapshot> = (call, callback) => {
    try {
      const { symbol, depth } = call.request;
      if (depth > MAX_DEPTH) {
        callback(
          invalidArgument(RejectReason.REJECT_NONE, `depth ${depth} exceeds the maximum of ${MAX_DEPTH}`),
        );
        return;
      }
      const snap = rt.engine.snapshot(symbol, depth > 0 ? depth : rt.config.marketData.defaultDepth);
      if (snap === undefined) {
        callback(invalidArgument(RejectReason.UNKNOWN_SYMBOL, `unknown symbol "${symbol}"`));
        return;
      }
      rt.hub.flushNow(); // the snapshot is consistent with every event published so far
      snap.seq = rt.hub.seqOf(symbol);
      callback(null, snap);
    } catch (err) {
      callback(internal("GetOrderBook", err));
    }
  };

  const getOpenOrders: handleUnaryCall<OpenOrdersRequest, ReportBatch> = (call, callback) => {
    try {
      const { account, symbol } = call.request;
      if (symbol !== "" && !rt.hub.hasSymbol(symbol)) {
        callback(invalidArgument(RejectReason.UNKNOWN_SYMBOL, `unknown symbol "${symbol}"`));
        return;
      }
      callback(null, {
        batchId: 0,
        reports: rt.engine.openOrders(account || undefined, symbol || undefined),
      });
    } catch (err) {
      callback(internal("GetOpenOrders", err));
    }
  };

  const subscribeMarketData: handleServerStreamingCall<MarketDataRequest, MarketDataEvent> = (call) => {
    if (state.draining) {
      call.emit("error", statusError(status.UNAVAILABLE, "engine is shutting down"));
      return;
    }
    const { symbols, depth } = call.request;
    if (depth > MAX_DEPTH) {
      call.emit(
        "error",
        invalidArgument(RejectReason.REJECT_NONE, `depth ${depth} exceeds the maximum of ${MAX_DEPTH}`),
      );
      return;
    }
    try {
      const sub = rt.hub.subscribe(symbols, depth, streamSink(call));
      const done = (): void => rt.hub.unsubscribe(sub);
      call.on("cancelled", done);
      call.on("close", done);
      call.on("error", done);
    } catch (err) {
      if (err instanceof UnknownSymbolError) {
        call.emit("error", invalidArgument(RejectReason.UNKNOWN_SYMBOL, err.message));
        return;
      }
      call.emit("error", internal("SubscribeMarketData", err));
    }
  };

  const subscribeExecutions: handleServerStreamingCall<ExecutionsRequest, ReportBatch> = (call) => {
    if (state.draining) {
      call.emit("error", statusError(status.UNAVAILABLE, "engine is shutting down"));
      return;
    }
    const max = rt.config.marketData.subscriberBuffer;
    let queued = 0;
    const listener = {
      account: call.request.account,
      push(batch: ReportBatch): void {
        // never block matching: a drop-copy reader that falls too far behind is disconnected
        if (!call.write(batch)) queued++;
        if (queued > max) {
          rt.dropCopy.delete(listener);
          call.emit("error", statusError(status.RESOURCE_EXHAUSTED, "drop-copy subscriber too slow"));
        }
      },
    };
    call.on("drain", () => {
      queued = 0;
    });
    const handle = {
      end: (): void => {
        done();
        call.end();
      },
    };
    const done = (): void => {
      rt.dropCopy.delete(listener);
      state.streams.delete(handle);
    };
    rt.dropCopy.add(listener);
    state.streams.add(handle);
    call.on("cancelled", done);
    call.on("close", done);
    call.on("error", done);
  };

  const getStats: handleUnaryCall<unknown, ReturnType<typeof stats.toMessage>> = (_call, callback) => {
    try {
      const msg = stats.toMessage(rt.engine.openOrderCount());
      msg.startTimeUnixMs = START_TIME_UNIX_MS;
      callback(null, msg);
    } catch (err) {
      callback(internal("GetStats", err));
    }
  };

  const setReferencePrices: handleUnaryCall<
    { prices: { symbol: string; price: number }[] },
    { updated: number }
  > = (call, callback) => {
    try {
      const prices = call.request.prices;
      for (const p of prices) {
        if (!rt.hub.hasSymbol(p.symbol)) {
          callback(invalidArgument(RejectReason.UNKNOWN_SYMBOL, `unknown symbol "${p.symbol}"`));
          return;
        }
        if (!Number.isSafeInteger(p.price) || p.price <= 0) {
          callback(
            invalidArgument(
              RejectReason.INVALID_PRICE,
              `${p.symbol}: price must be a positive number of ticks`,
            ),
          );
          return;
        }
      }
      let updated = 0;
      for (const p of prices) if (rt.setReferencePrice(p.symbol, p.price)) updated++;
      callback(null, { updated });
    } catch (err) {
      callback(internal("SetReferencePrices", err));
    }
  };

  return {
    submitOrder,
    healthCheck,
    placeOrder: (call, cb) =>
      unaryCommand("PlaceOrder", { command: { $case: "newOrder", value: call.request } }, cb),
    cancelOrder: (call, cb) =>
      unaryCommand("CancelOrder", { command: { $case: "cancel", value: call.request as CancelRequest } }, cb),
    modifyOrder: (call, cb) =>
      unaryCommand("ModifyOrder", { command: { $case: "modify", value: call.request as ModifyRequest } }, cb),
    orderStream,
    subscribeExecutions,
    getSymbols,
    getOrderBook,
    getOpenOrders,
    subscribeMarketData,
    getStats,
    setReferencePrices,
  };
}

let nextCompatRequestId = 1;

function streamSink(call: ServerWritableStream<MarketDataRequest, MarketDataEvent>): MarketDataSink {
  return {
    write: (event) => call.write(event),
    onDrain: (cb) => {
      call.on("drain", cb);
    },
    fail: (code, message) => {
      call.emit(
        "error",
        statusError(code === "RESOURCE_EXHAUSTED" ? status.RESOURCE_EXHAUSTED : status.UNAVAILABLE, message),
      );
    },
    end: () => call.end(),
  };
}

export { engineNowNs };
