"use client";
import { api } from "@/lib/api";
import { formatMoney, formatPercent } from "@/lib/format";
import { OPEN_STATUSES, useFetch, useOrders, useSymbols } from "@/lib/hooks";
import { riskUsage, usageLevel } from "@/lib/risk";

const MONEY_KEYS = new Set(["orderNotional", "buyingPower"]);

export function RiskView() {
  const { symbols } = useSymbols();
  const limits = useFetch(() => api.riskLimits(), []);
  const portfolio = useFetch(() => api.portfolio(), [], 3000);
  const { orders } = useOrders();
  const open = orders.filter((o) => OPEN_STATUSES.has(o.status));
  const grids = (sym: string) => {
    const s = symbols.find((x) => x.symbol === sym);
    return { tickSize: s?.tickSize ?? "0.01", lotSize: s?.lotSize ?? "1" };
  };
  const rows = limits.data ? riskUsage(limits.data, portfolio.data, open, grids) : [];

  return (
    <div>
      <h1 className="page-title">Risk limits</h1>
      {limits.error && (
        <div className="alert alert-error" role="alert">
          <code>{limits.error.code}</code> {limits.error.message}
        </div>
      )}
      <section className="panel" aria-label="Limit usage">
        <div className="panel-head">
          <span>Usage</span>
          {limits.data && (
            <span className="muted" style={{ textTransform: "none", letterSpacing: 0 }}>
              Price collar ±{limits.data.priceCollarBps} bps of the reference price
            </span>
          )}
        </div>
        {!limits.data && !limits.error && <div className="empty">Loading…</div>}
        {rows.map((r) => {
          const level = usageLevel(r.ratio);
          const money = MONEY_KEYS.has(r.key);
          return (
            <div className="limit-row" key={r.key} data-testid={`limit-${r.key}`}>
              <div>
                <div style={{ fontWeight: 600 }}>{r.label}</div>
                <div className="muted" style={{ fontSize: 12 }}>
                  {r.description}
                </div>
              </div>
              <div
                className="bar"
                data-level={level}
                role="progressbar"
                aria-label={r.label}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(Math.min(r.ratio, 1) * 100)}
              >
                <div style={{ width: `${Math.min(r.ratio, 1) * 100}%` }} />
              </div>
              <div className="num" style={{ textAlign: "right" }}>
                <span className={level === "danger" ? "sell" : level === "warn" ? "warn" : ""}>
                  {formatPercent(r.ratio)}
                </span>
                <span className="muted">
                  {" "}
                  · {money ? formatMoney(r.used) : r.used} / {money ? formatMoney(r.limit) : r.limit}
                </span>
              </div>
            </div>
          );
        })}
      </section>
    </div>
  );
}
