// Prometheus metrics (prom-client). Names are prefixed hft_, base units in the name, counters end in _total,
// labels are bounded (reason codes, result kinds) — never user or order ids.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** 1 µs .. 1 s, roughly 3 buckets per decade. */
export const LATENCY_BUCKETS_SECONDS = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1,
  0.25, 0.5, 1,
];

export class Metrics {
  readonly registry = new Registry();
  readonly ordersReceived = new Counter({
    name: "hft_backend_orders_received_total",
    help: "Order placement requests that passed input validation",
    registers: [this.registry],
  });
  readonly ordersAccepted = new Counter({
    name: "hft_backend_orders_accepted_total",
    help: "Orders accepted by the engine and persisted",
    registers: [this.registry],
  });
  readonly ordersRejected = new Counter({
    name: "hft_backend_orders_rejected_total",
    help: "Orders rejected by backend risk checks or by the engine, by reason code",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly fills = new Counter({
    name: "hft_backend_fills_total",
    help: "Fills applied to users' orders",
    labelNames: ["liquidity"] as const,
    registers: [this.registry],
  });
  readonly orderAckSeconds = new Histogram({
    name: "hft_backend_order_ack_duration_seconds",
    help: "Time from receiving an order request to sending its durable acknowledgement",
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly dbWriteSeconds = new Histogram({
    name: "hft_backend_db_write_duration_seconds",
    help: "Duration of one persistence transaction (group commit flush)",
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly dbBatchSize = new Histogram({
    name: "hft_backend_db_write_batch_size",
    help: "Number of queued units written per persistence transaction",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [this.registry],
  });
  readonly dbWriteErrors = new Counter({
    name: "hft_backend_db_write_errors_total",
    help: "Failed persistence transactions",
    registers: [this.registry],
  });
  readonly grpcErrors = new Counter({
    name: "hft_backend_grpc_errors_total",
    help: "gRPC errors talking to the engine, by method",
    labelNames: ["method"] as const,
    registers: [this.registry],
  });
  readonly openOrders = new Gauge({
    name: "hft_backend_open_orders",
    help: "Open (NEW or PARTIALLY_FILLED) orders tracked by the backend",
    registers: [this.registry],
  });
  readonly wsClients = new Gauge({
    name: "hft_backend_websocket_clients",
    help: "Connected WebSocket clients",
    registers: [this.registry],
  });

  /** last N order-to-ack latencies (seconds) for the status page's p50/p99 */
  private readonly ackWindow = new Float64Array(4096);
  private ackCount = 0;

  observeAck(seconds: number): void {
    this.orderAckSeconds.observe(seconds);
    this.ackWindow[this.ackCount % this.ackWindow.length] = seconds;
    this.ackCount++;
  }

  /** p50/p99 of the recent window in milliseconds (null before the first order). */
  ackPercentilesMs(): { p50: number | null; p99: number | null; count: number } {
    const n = Math.min(this.ackCount, this.ackWindow.length);
    if (n === 0) return { p50: null, p99: null, count: 0 };
    const sorted = Float64Array.from(this.ackWindow.subarray(0, n)).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] * 1000;
    return { p50: at(0.5), p99: at(0.99), count: this.ackCount };
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "hft_backend_" });
  }
}
