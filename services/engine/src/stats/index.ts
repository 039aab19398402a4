// Engine service counters, updated from the reports each command produced (one pass, plain number fields).
import {
  type EngineStats,
  ExecType,
  type ExecutionReport,
  RejectReason,
  rejectReasonToJSON,
} from "@hft/proto";
import { LatencyHistogram } from "./histogram.js";

export { LatencyHistogram, PROM_BUCKETS_SECONDS } from "./histogram.js";

const REASON_SLOTS = 64;

export class EngineStatsCollector {
  readonly startedAtMs = Date.now();
  ordersReceived = 0;
  ordersAccepted = 0;
  ordersRejected = 0;
  cancels = 0;
  modifies = 0;
  trades = 0;
  volume = 0;
  batches = 0;
  /** Rejections (new orders, cancels, modifies, batches) by RejectReason value. */
  readonly rejects = new Float64Array(REASON_SLOTS);
  /** Order in (command decoded) -> its reports produced (ack ready), per command. */
  readonly commandLatency = new LatencyHistogram(
    "command_latency",
    "Time from a command's arrival to its execution reports being produced, per command",
  );
  /** Batch decoded -> ReportBatch handed to the transport, per OrderStream batch. */
  readonly batchLatency = new LatencyHistogram(
    "batch_latency",
    "Time from an OrderStream batch's arrival to its report batch being written",
  );

  /** Count what a new order produced: out[from] is the taker's first report (NEW or REJECTED). */
  onNewOrder(out: ExecutionReport[], from: number): void {
    this.ordersReceived++;
    const first = out[from];
    if (first !== undefined && first.execType === ExecType.EXEC_REJECTED) {
      this.ordersRejected++;
      this.rejects[first.rejectReason & (REASON_SLOTS - 1)]++;
    } else {
      this.ordersAccepted++;
    }
    this.countTrades(out, from);
  }

  onCancel(out: ExecutionReport[], from: number): void {
    const first = out[from];
    if (first !== undefined && first.execType === ExecType.EXEC_REJECTED) {
      this.rejects[first.rejectReason & (REASON_SLOTS - 1)]++;
    } else {
      this.cancels++;
    }
  }

  onModify(out: ExecutionReport[], from: number): void {
    const first = out[from];
    if (first !== undefined && first.execType === ExecType.EXEC_REJECTED) {
      this.rejects[first.rejectReason & (REASON_SLOTS - 1)]++;
    } else {
      this.modifies++;
    }
    this.countTrades(out, from); // a price change can make the order marketable
  }

  /** Reports produced outside a client command (GTD expiry, liquidity provider, triggered stops). */
  countTrades(out: ExecutionReport[], from: number): void {
    for (let i = from; i < out.length; i++) {
      const r = out[i];
      // one trade = one taker-side fill report
      if (r.execType === ExecType.EXEC_TRADE && !r.isMaker) {
        this.trades++;
        this.volume += r.lastQuantity;
      }
    }
  }

  onRejectedCommands(reason: RejectReason, n: number): void {
    this.rejects[reason & (REASON_SLOTS - 1)] += n;
  }

  rejectsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 1; i < REASON_SLOTS; i++) {
      if (this.rejects[i] > 0) out[rejectReasonToJSON(i as RejectReason)] = this.rejects[i];
    }
    return out;
  }

  toMessage(openOrders: number, startTimeUnixMs = 0): EngineStats {
    return {
      ordersReceived: this.ordersReceived,
      ordersAccepted: this.ordersAccepted,
      ordersRejected: this.ordersRejected,
      cancels: this.cancels,
      modifies: this.modifies,
      trades: this.trades,
      volume: this.volume,
      openOrders,
      rejectsByReason: this.rejectsByReason(),
      latencies: [this.commandLatency.toMessage(), this.batchLatency.toMessage()],
      uptimeSeconds: Math.floor((Date.now() - this.startedAtMs) / 1000),
      batches: this.batches,
      startTimeUnixMs,
    };
  }
}

export { RejectReason };
