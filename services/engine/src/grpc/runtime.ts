// The engine runtime: the matching engine plus what the service layer adds around each command
// (stats, coalesced market data, liquidity-provider re-quotes, drop copy of unsolicited reports).
// Single-threaded by design: every command runs to completion synchronously, so there is no locking.
import {
  ExecType,
  type ExecutionReport,
  type OrderCommand,
  RejectReason,
  type ReportBatch,
} from "@hft/proto";
import type { EngineConfig } from "../config/index.js";
import { LiquidityProvider } from "../liquidity/provider.js";
import { MarketDataHub } from "../marketdata/hub.js";
import { MatchingEngine, rejectReport } from "../matching/index.js";
import { EngineStatsCollector } from "../stats/index.js";

/** Engine clock: ns since process start. A unix time in ns is ~1.7e18, beyond a JS safe integer (2^53). */
export const START_TIME_UNIX_MS = Math.round(performance.timeOrigin);
export function engineNowNs(): number {
  return Math.round(performance.now() * 1e6);
}

export interface ReportListener {
  account: string; // "" = all
  push(batch: ReportBatch): void;
}

export class EngineRuntime {
  readonly engine: MatchingEngine;
  readonly hub: MarketDataHub;
  readonly stats = new EngineStatsCollector();
  readonly lp: LiquidityProvider | undefined;
  readonly dropCopy = new Set<ReportListener>();
  private readonly lpAccount: string;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(readonly config: EngineConfig) {
    this.hub = new MarketDataHub(
      config.symbols.map((s) => s.symbol),
      config.marketData.defaultDepth,
      config.marketData.subscriberBuffer,
      config.marketData.bookIntervalMs,
    );
    this.engine = new MatchingEngine(
      {
        symbols: config.symbols.map((s) => ({ ...s })),
        maxOpenOrdersPerAccount: config.engine.maxOpenOrdersPerAccount,
        defaultStpMode: config.engine.stpDefault,
        orderPoolSize: config.engine.orderPoolSize,
        nowNs: engineNowNs,
      },
      this.hub,
    );
    this.hub.attach(this.engine);
    const lpc = config.liquidityProvider;
    this.lpAccount = lpc.enabled ? lpc.account : "\u0000no-liquidity-provider";
    if (lpc.enabled) {
      this.lp = new LiquidityProvider(this.engine, lpc, config.symbols);
      const out: ExecutionReport[] = [];
      this.lp.quoteAll(out);
      this.afterCommands(out, 0);
    }
  }

  /** Run one command, appending its reports to `out`. Never throws for bad input. */
  execute(cmd: OrderCommand, out: ExecutionReport[]): void {
    const from = out.length;
    const c = cmd.command;
    if (c === undefined) {
      out.push(
        serviceReject(
          0,
          "",
          "",
          RejectReason.INVALID_ORDER_TYPE,
          "empty command: set new_order, cancel or modify",
        ),
      );
      return;
    }
    switch (c.$case) {
      case "newOrder":
        this.engine.submit(c.value, out);
        this.stats.onNewOrder(out, from);
        break;
      case "cancel":
        this.engine.cancel(c.value, out);
        this.stats.onCancel(out, from);
        break;
      case "modify":
        this.engine.modify(c.value, out);
        this.stats.onModify(out, from);
        break;
    }
    if (this.lp !== undefined) {
      const lp = this.lp;
      const acct = this.lpAccount;
      for (let i = from; i < out.length; i++) {
        const r = out[i];
        if (r.execType === ExecType.EXEC_TRADE && r.account === acct) lp.noteFill(r);
      }
    }
  }

  /**
   * After a batch (or unary command): publish coalesced book updates, let the liquidity provider re-quote
   * what was hit. Its reports go to the drop copy, not to the client whose command caused them.
   */
  afterCommands(unsolicited: ExecutionReport[] = [], from = 0): void {
    this.hub.flush();
    if (this.lp?.hasPendingRequotes()) {
      const before = unsolicited.length;
      this.lp.requoteFilled(unsolicited);
      this.stats.countTrades(unsolicited, before);
      this.hub.flush();
    }
    if (unsolicited.length > from) this.publishUnsolicited(unsolicited.slice(from));
  }

  setReferencePrice(symbol: string, price: number): boolean {
    if (!this.engine.setReferencePrice(symbol, price)) return false;
    if (this.lp !== undefined) {
      const out: ExecutionReport[] = [];
      this.lp.setReferencePrice(symbol, price, out);
      this.stats.countTrades(out, 0);
      this.afterCommands(out, 0);
    }
    return true;
  }

  expire(nowMs: number): void {
    const out: ExecutionReport[] = [];
    this.engine.expire(nowMs, out);
    if (out.length > 0) this.afterCommands(out, 0);
  }

  /** GTD expiry timer (unref'd: it never keeps the process alive). */
  startTimers(): void {
    if (this.expiryTimer !== undefined) return;
    this.expiryTimer = setInterval(() => this.expire(Date.now()), this.config.engine.expiryIntervalMs);
    this.expiryTimer.unref();
  }

  stopTimers(): void {
    if (this.expiryTimer !== undefined) clearInterval(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  private publishUnsolicited(reports: ExecutionReport[]): void {
    if (this.dropCopy.size === 0) return;
    // the liquidity provider's own bookkeeping (its NEW / CANCELED quotes) is not news for anyone
    const visible = reports.filter((r) => r.account !== this.lpAccount || r.execType === ExecType.EXEC_TRADE);
    if (visible.length === 0) return;
    for (const l of this.dropCopy) {
      const mine = l.account === "" ? visible : visible.filter((r) => r.account === l.account);
      if (mine.length > 0) l.push({ batchId: 0, reports: mine });
    }
  }
}

/** A reject produced by the service layer, not the engine (seq 0: it is not an engine event). */
export function serviceReject(
  requestId: number,
  account: string,
  symbol: string,
  reason: RejectReason,
  text: string,
): ExecutionReport {
  return rejectReport({
    seq: 0,
    requestId,
    orderId: 0,
    clientOrderId: "",
    account,
    symbol,
    side: 0,
    orderType: 0,
    price: 0,
    quantity: 0,
    timeInForce: 0,
    stopPrice: 0,
    reason,
    text,
    timestampNs: engineNowNs(),
  });
}
