"use client";
import { api } from "@/lib/api";
import { formatMoney, formatPnl, formatPrice, formatQuantity, ratio, signOf } from "@/lib/format";
import { useFetch, useSymbols } from "@/lib/hooks";
import { useLiveMessages } from "@/lib/live";
import { Donut, PALETTE, type Slice } from "./Donut";

function pnlClass(v: string | null | undefined) {
  const s = signOf(v);
  return s > 0 ? "buy" : s < 0 ? "sell" : "";
}

export function PortfolioView() {
  const { symbols } = useSymbols();
  // valuations move with prices: refresh every 3 s, and right away when one of our orders fills
  const { data: p, error, reload } = useFetch(() => api.portfolio(), [], 3000);
  useLiveMessages((m) => {
    if (m.type === "fill") reload();
  });
  const grid = (sym: string) => {
    const s = symbols.find((x) => x.symbol === sym);
    return { tickSize: s?.tickSize ?? "0.01", lotSize: s?.lotSize ?? "1" };
  };

  // Allocation between the positions by absolute market value (display only, so Number is fine here); the cash
  // share is stated under the chart, otherwise a mostly-cash account would show one grey ring.
  const gross = p?.positions.reduce((acc, x) => acc + Math.abs(Number(x.marketValue)), 0) ?? 0;
  const slices: Slice[] =
    p && gross > 0
      ? p.positions.map((x, i) => ({
          label: x.symbol,
          value: Math.abs(Number(x.marketValue)) / gross,
          color: PALETTE[i % PALETTE.length],
        }))
      : [];

  return (
    <div>
      <h1 className="page-title">Portfolio</h1>
      {error && (
        <div className="alert alert-error" role="alert">
          <code>{error.code}</code> {error.message}
        </div>
      )}
      <div className="cards">
        <Card label="Total value" value={formatMoney(p?.totalValue)} testId="pf-total" />
        <Card label="Cash" value={formatMoney(p?.cash)} testId="pf-cash" />
        <Card label="Buying power" value={formatMoney(p?.buyingPower)} />
        <Card label="Positions value" value={formatMoney(p?.positionsValue)} />
        <Card label="Realized P&L" value={formatPnl(p?.realizedPnl)} className={pnlClass(p?.realizedPnl)} />
        <Card
          label="Unrealized P&L"
          value={formatPnl(p?.unrealizedPnl)}
          className={pnlClass(p?.unrealizedPnl)}
          testId="pf-unrealized"
        />
      </div>
      <div className="two-col">
        <section className="panel" aria-label="Positions">
          <div className="panel-head">
            <span>Positions</span>
            <span className="muted" style={{ textTransform: "none", letterSpacing: 0 }}>
              {p ? `as of ${new Date(p.asOf).toLocaleTimeString("en-GB")}` : ""}
            </span>
          </div>
          <div className="table-wrap">
            {p && p.positions.length === 0 ? (
              <div className="empty">No positions</div>
            ) : (
              <table className="grid" data-testid="positions">
                <thead>
                  <tr>
                    <th>Symbol</th>
                    <th className="r">Quantity</th>
                    <th className="r">Avg cost</th>
                    <th className="r">Market price</th>
                    <th className="r">Market value</th>
                    <th className="r">Unrealized P&L</th>
                    <th className="r">Realized P&L</th>
                    <th className="r">Weight</th>
                  </tr>
                </thead>
                <tbody>
                  {p?.positions.map((x) => {
                    const g = grid(x.symbol);
                    return (
                      <tr key={x.symbol} data-symbol={x.symbol}>
                        <td>
                          <a href={`/trade/${x.symbol}`}>{x.symbol}</a>
                        </td>
                        <td className={`r num ${signOf(x.quantity) < 0 ? "sell" : ""}`} data-testid="pos-qty">
                          {x.quantity.startsWith("-")
                            ? `-${formatQuantity(x.quantity.slice(1), g.lotSize)}`
                            : formatQuantity(x.quantity, g.lotSize)}
                        </td>
                        <td className="r num">{formatPrice(x.averageCost, g.tickSize)}</td>
                        <td className="r num">{formatPrice(x.marketPrice, g.tickSize)}</td>
                        <td className="r num">{formatMoney(x.marketValue)}</td>
                        <td className={`r num ${pnlClass(x.unrealizedPnl)}`}>{formatPnl(x.unrealizedPnl)}</td>
                        <td className={`r num ${pnlClass(x.realizedPnl)}`}>{formatPnl(x.realizedPnl)}</td>
                        <td className="r num">{x.weightPercent}%</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
        </section>
        <section className="panel" aria-label="Allocation">
          <div className="panel-head">
            <span>Allocation</span>
          </div>
          <div
            className="panel-body"
            style={{ display: "flex", flexDirection: "column", alignItems: "center" }}
          >
            <Donut slices={slices} label="Allocation of positions by market value" />
            <ul className="legend" style={{ alignSelf: "stretch" }}>
              {slices.map((s) => (
                <li key={s.label}>
                  <span className="swatch" style={{ background: s.color }} />
                  <span style={{ flex: 1 }}>{s.label}</span>
                  <span className="num muted">{(s.value * 100).toFixed(1)}%</span>
                </li>
              ))}
            </ul>
            {p && slices.length === 0 && <div className="empty">No positions</div>}
            {p && (
              <p className="muted" style={{ fontSize: 12 }} data-testid="pf-cash-share">
                Positions are{" "}
                {(ratio(p.positionsValue.replace("-", ""), p.totalValue.replace("-", "")) * 100).toFixed(1)}%
                of total value, cash{" "}
                {(ratio(p.cash.replace("-", ""), p.totalValue.replace("-", "")) * 100).toFixed(1)}
                %.
              </p>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}

function Card({
  label,
  value,
  className,
  testId,
}: {
  label: string;
  value: string;
  className?: string;
  testId?: string;
}) {
  return (
    <div className="card">
      <div className="stat-label">{label}</div>
      <div className={`stat-value num ${className ?? ""}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
