"use client";
import type { ComponentStatus, SystemStatusResponse } from "@hft/shared/api";
import { useState } from "react";
import { api } from "@/lib/api";
import { useFetch } from "@/lib/hooks";

function ms(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
}

function Badge({ status }: { status: ComponentStatus | "unknown" }) {
  return <span className={`badge badge-${status}`}>{status.toUpperCase()}</span>;
}

function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

export function StatusView() {
  const [webLatency, setWebLatency] = useState<number | null>(null);
  // poll every 2 s; the round trip through the web proxy is measured too
  const { data: s, error } = useFetch<SystemStatusResponse>(
    async () => {
      const t0 = performance.now();
      const r = await api.systemStatus();
      setWebLatency(performance.now() - t0);
      return r;
    },
    [],
    2000,
  );

  return (
    <div>
      <h1 className="page-title">System status</h1>
      {error && (
        <div className="alert alert-error" role="alert">
          <code>{error.code}</code> {error.message}
        </div>
      )}
      <div className="status-grid">
        <section className="card" data-testid="status-backend">
          <div className="panel-head" style={{ padding: 0, border: 0 }}>
            <span>Backend</span>
            <Badge status={s ? s.status : error ? "down" : "unknown"} />
          </div>
          <dl className="kv">
            <dt>Version</dt>
            <dd>{s?.version ?? "—"}</dd>
            <dt>Uptime</dt>
            <dd>{duration(s?.uptimeSeconds)}</dd>
            <dt>Round trip (browser → web → backend)</dt>
            <dd>{ms(webLatency)}</dd>
            <dt>Order ack p50</dt>
            <dd>{ms(s?.orderAckLatencyMs.p50)}</dd>
            <dt>Order ack p99</dt>
            <dd>{ms(s?.orderAckLatencyMs.p99)}</dd>
            <dt>Orders measured</dt>
            <dd>{s?.orderAckLatencyMs.count ?? "—"}</dd>
          </dl>
        </section>
        <section className="card" data-testid="status-engine">
          <div className="panel-head" style={{ padding: 0, border: 0 }}>
            <span>Matching engine</span>
            <Badge status={s?.engine.status ?? "unknown"} />
          </div>
          <dl className="kv">
            <dt>Latency (health check)</dt>
            <dd>{ms(s?.engine.latencyMs)}</dd>
            <dt>Address</dt>
            <dd>{s?.engine.address ?? "—"}</dd>
            <dt>Version</dt>
            <dd>{s?.engine.version ?? "—"}</dd>
            <dt>Uptime</dt>
            <dd>{duration(s?.engine.uptimeSeconds)}</dd>
            <dt>Open orders</dt>
            <dd>{s?.engine.openOrders ?? "—"}</dd>
            <dt>Orders received</dt>
            <dd>{s?.engine.ordersReceived ?? "—"}</dd>
            <dt>Trades</dt>
            <dd>{s?.engine.trades ?? "—"}</dd>
            <dt>Report stream</dt>
            <dd>{s ? (s.engine.streamConnected ? "connected" : "disconnected") : "—"}</dd>
          </dl>
        </section>
        <section className="card" data-testid="status-database">
          <div className="panel-head" style={{ padding: 0, border: 0 }}>
            <span>Database</span>
            <Badge status={s?.database.status ?? "unknown"} />
          </div>
          <dl className="kv">
            <dt>Latency</dt>
            <dd>{ms(s?.database.latencyMs)}</dd>
            <dt>Persistence mode</dt>
            <dd>{s?.persistence.mode ?? "—"}</dd>
            <dt>Queue depth</dt>
            <dd>{s?.persistence.queueDepth ?? "—"}</dd>
            <dt>Last batch</dt>
            <dd>{s?.persistence.lastBatchSize ?? "—"}</dd>
            <dt>Last flush</dt>
            <dd>{ms(s?.persistence.lastFlushMs)}</dd>
          </dl>
        </section>
        <section className="card" data-testid="status-feed">
          <div className="panel-head" style={{ padding: 0, border: 0 }}>
            <span>Price feed</span>
            <Badge status={s?.feed.status ?? "unknown"} />
          </div>
          <dl className="kv">
            <dt>Source</dt>
            <dd>{s?.feed.source ?? "—"}</dd>
            <dt>Symbols</dt>
            <dd>{s?.feed.symbols ?? "—"}</dd>
            <dt>Last update</dt>
            <dd>{s?.feed.lastUpdate ? new Date(s.feed.lastUpdate).toLocaleTimeString("en-GB") : "—"}</dd>
            <dt>Age</dt>
            <dd>{s?.feed.lastUpdate ? ms(Date.now() - Date.parse(s.feed.lastUpdate)) : "—"}</dd>
          </dl>
        </section>
      </div>
      <p className="muted" style={{ fontSize: 12 }}>
        Refreshes every 2 seconds{s ? ` · backend time ${new Date(s.time).toLocaleTimeString("en-GB")}` : ""}.
      </p>
    </div>
  );
}
