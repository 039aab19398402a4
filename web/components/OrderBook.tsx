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
      <LadderSide side="ask" rows={askRows} tickSize={tickSize} lotSize={lotSize} onPickPrice={onPickPrice} />
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
      <LadderSide side="bid" rows={bidRows} tickSize={tickSize} lotSize={lotSize} onPickPrice={onPickPrice} />
    </div>
  );
}

type LadderRow = ReturnType<typeof withCumulative>[number];

/** One side of the ladder; a click on a level hands its price to the ticket. */
function LadderSide({
  side,
  rows,
  tickSize,
  lotSize,
  onPickPrice,
}: {
  side: "ask" | "bid";
  rows: LadderRow[];
  tickSize: string;
  lotSize: string;
  onPickPrice?: (price: string) => void;
}) {
  const plural = `${side}s`;
  return (
    <div className={`ladder-side ${plural}`} data-testid={`book-${plural}`}>
      {rows.length === 0 && <div className="empty">No {plural}</div>}
      {rows.map((l) => (
        <button
          type="button"
          key={l.price}
          className={`ladder-row ${side}`}
          data-price={l.price}
          onClick={() => onPickPrice?.(l.price)}
          style={{ background: "none", border: "none", cursor: "pointer", textAlign: "inherit" }}
          tabIndex={-1}
          title="Use this price"
        >
          <span className="ladder-bar" style={{ width: `${l.fill * 100}%` }} />
          <span className={side === "ask" ? "sell" : "buy"}>{formatPrice(l.price, tickSize)}</span>
          <span>{formatQuantity(l.quantity, lotSize)}</span>
          <span className="muted">{formatQuantity(l.cumulative, lotSize)}</span>
        </button>
      ))}
    </div>
  );
}
