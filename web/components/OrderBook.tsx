"use client";
import type { BookLevel } from "@hft/shared/api";
import { formatPrice, formatQuantity, spread, withCumulative } from "@/lib/format";

export interface OrderBookProps {
  bids: BookLevel[];
  asks: BookLevel[];
  tickSize: string;
  lotSize: string;
  lastPrice: string | null;
  rows?: number;
  onPickPrice?: (price: string) => void;
}

/** Price ladder: asks above (best ask nearest the middle), bids below, with cumulative depth bars. */
export function OrderBook({
  bids,
  asks,
  tickSize,
  lotSize,
  lastPrice,
  rows = 12,
  onPickPrice,
}: OrderBookProps) {
  const askRows = withCumulative(asks.slice(0, rows), lotSize).reverse();
  const bidRows = withCumulative(bids.slice(0, rows), lotSize);
  const bestBid = bids[0]?.price ?? null;
  const bestAsk = asks[0]?.price ?? null;
  const sp = spread(bestBid, bestAsk, tickSize);
  return (
    <div className="ladder" data-testid="order-book">
      <div className="ladder-head">
        <span>Price</span>
        <span>Size</span>
        <span>Total</span>
      </div>
      <div className="ladder-side asks" data-testid="book-asks">
        {askRows.length === 0 && <div className="empty">No asks</div>}
        {askRows.map((l) => (
          <button
            type="button"
            key={l.price}
            className="ladder-row ask"
            data-price={l.price}
            onClick={() => onPickPrice?.(l.price)}
            style={{ background: "none", border: "none", cursor: "pointer", textAlign: "inherit" }}
            tabIndex={-1}
            title="Use this price"
          >
            <span className="ladder-bar" style={{ width: `${l.fill * 100}%` }} />
            <span className="sell">{formatPrice(l.price, tickSize)}</span>
            <span>{formatQuantity(l.quantity, lotSize)}</span>
            <span className="muted">{formatQuantity(l.cumulative, lotSize)}</span>
          </button>
        ))}
      </div>
      <div className="ladder-mid">
        <span>
          <span className="muted">Last </span>
          <span data-testid="book-last">{formatPrice(lastPrice, tickSize)}</span>
        </span>
        <span>
          <span className="muted">Spread </span>
          <span>{sp ?? "—"}</span>
        </span>
      </div>
      <div className="ladder-side bids" data-testid="book-bids">
        {bidRows.length === 0 && <div className="empty">No bids</div>}
        {bidRows.map((l) => (
          <button
            type="button"
            key={l.price}
            className="ladder-row bid"
            data-price={l.price}
            onClick={() => onPickPrice?.(l.price)}
            style={{ background: "none", border: "none", cursor: "pointer", textAlign: "inherit" }}
            tabIndex={-1}
            title="Use this price"
          >
            <span className="ladder-bar" style={{ width: `${l.fill * 100}%` }} />
            <span className="buy">{formatPrice(l.price, tickSize)}</span>
            <span>{formatQuantity(l.quantity, lotSize)}</span>
            <span className="muted">{formatQuantity(l.cumulative, lotSize)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
