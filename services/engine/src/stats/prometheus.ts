// Prometheus exposition (prom-client) of the engine counters and latency histograms.
// Values live in EngineStatsCollector (cheap on the hot path); prom-client reads them at scrape time.
import { createServer, type Server } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { LatencyHistogram } from "./histogram.js";
import { PROM_BUCKETS_SECONDS } from "./histogram.js";
import type { EngineStatsCollector } from "./index.js";

const PREFIX = "hft_engine_";

/**
 * A prom-client Histogram whose data comes from a preallocated LatencyHistogram instead of observe()
 * (observe() costs ~200 ns per call). Only the read side is overridden; the output format is prom-client's.
 */
class PreaggregatedHistogram extends Histogram {
  constructor(
    private readonly source: LatencyHistogram,
    private readonly metricName: string,
    private readonly metricHelp: string,
    registry: Registry,
  ) {
    super({ name: metricName, help: metricHelp, buckets: [...PROM_BUCKETS_SECONDS], registers: [registry] });
  }

  // prom-client renders (registry.metrics) and get()s (JSON) through getForPromString: serve our data there.
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string | number>; value: number; metricName: string }[];
  }> {
    const cumulative = this.source.cumulativeBuckets();
    const name = this.metricName;
    const values = PROM_BUCKETS_SECONDS.map((le, i) => ({
      labels: { le } as Record<string, string | number>,
      value: cumulative[i],
      metricName: `${name}_bucket`,
    }));
    values.push({ labels: { le: "+Inf" }, value: this.source.count, metricName: `${name}_bucket` });
    values.push({ labels: {}, value: this.source.sumNs / 1e9, metricName: `${name}_sum` });
    values.push({ labels: {}, value: this.source.count, metricName: `${name}_count` });
    return { name, help: this.metricHelp, type: "histogram", aggregator: "sum", values };
  }
}

export interface MetricsSources {
  stats: EngineStatsCollector;
  openOrders: () => number;
  mdSubscribers: () => number;
  /** Market-data subscribers dropped for overflowing their queue, since start. */
  mdSubscribersDropped: () => number;
}

export function createRegistry(src: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const s = src.stats;
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name: PREFIX + name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  counter("orders_received_total", "New orders received", () => s.ordersReceived);
  counter("orders_accepted_total", "New orders accepted", () => s.ordersAccepted);
  counter("cancels_total", "Successful cancels", () => s.cancels);
  counter("modifies_total", "Successful modifies", () => s.modifies);
  counter("trades_total", "Trades executed", () => s.trades);
  counter("volume_lots_total", "Quantity traded, lots", () => s.volume);
  counter("batches_total", "OrderStream command batches processed", () => s.batches);
  counter(
    "md_subscribers_dropped_total",
    "Market-data subscribers dropped for overflowing",
    src.mdSubscribersDropped,
  );
  new Counter({
    name: `${PREFIX}rejects_total`,
    help: "Rejected commands by reason",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(s.rejectsByReason())) this.inc({ reason }, n);
    },
  });
  new Gauge({
    name: `${PREFIX}open_orders`,
    help: "Orders resting in the books and trigger books",
    registers: [registry],
    collect() {
      this.set(src.openOrders());
    },
  });
  new Gauge({
    name: `${PREFIX}md_subscribers`,
    help: "Active market-data subscriptions",
    registers: [registry],
    collect() {
      this.set(src.mdSubscribers());
    },
  });
  new PreaggregatedHistogram(
    s.commandLatency,
    `${PREFIX}command_latency_seconds`,
    s.commandLatency.help,
    registry,
  );
  new PreaggregatedHistogram(s.batchLatency, `${PREFIX}batch_latency_seconds`, s.batchLatency.help, registry);
  return registry;
}

/** GET /metrics on host:port. Resolves with the bound server (port 0 picks a free port). */
export function startMetricsServer(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
