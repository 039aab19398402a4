"use client";
import type { MarketTrade } from "@hft/shared/api";
import { formatPrice, formatQuantity, formatTime } from "@/lib/format";

export function TradesTape({
  trades,
  tickSize,
  lotSize,
}: {
  trades: MarketTrade[];
  tickSize: string;
  lotSize: string;
}) {
  return (
    <div className="tape" data-testid="trades-tape">
      <div className="ladder-head" style={{ padding: "6px 12px" }}>
        <span>Price</span>
        <span>Size</span>
        <span>Time</span>
      </div>
      {trades.length === 0 && <div className="empty">No trades yet</div>}
      {trades.map((t, i) => (
        <div
          key={t.tradeId}
          className={`tape-row${i === 0 ? " fresh" : ""}`}
          data-testid="tape-row"
          data-trade-id={t.tradeId}
        >
          <span className={t.aggressorSide === "BUY" ? "buy" : "sell"}>{formatPrice(t.price, tickSize)}</span>
          <span>{formatQuantity(t.quantity, lotSize)}</span>
          <span className="muted">{formatTime(t.timestamp)}</span>
        </div>
      ))}
    </div>
  );
}
