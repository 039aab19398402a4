"use client";
import type { BookLevel, MarketTrade } from "@hft/shared/api";
import { fromUnits, toUnits } from "@hft/shared/units";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api";
import {
  applyTrade,
  type ChartInterval,
  candlesFromTrades,
  INTERVAL_SECONDS,
  type TickCandle,
} from "@/lib/candles";
import { formatPrice, formatQuantity, spread } from "@/lib/format";
import { useOrders, useSymbols } from "@/lib/hooks";
import { useLiveMessages } from "@/lib/live";
import { AccountStrip } from "./AccountStrip";
import { OrderBook } from "./OrderBook";
import { OrdersPanel } from "./OrdersPanel";
import { OrderTicket } from "./OrderTicket";
import { TradesTape } from "./TradesTape";

// lightweight-charts is ~45 KB gzipped: keep it out of the first load.
const PriceChart = dynamic(() => import("./PriceChart"), {
  ssr: false,
  loading: () => <div className="empty">Loading chart…</div>,
});

interface BookState {
  bids: BookLevel[];
  asks: BookLevel[];
  lastPrice: string | null;
  volume: string;
}

const MAX_TAPE = 60;

/** Union of two trade lists by trade id, newest first. */
function mergeTrades(a: MarketTrade[], b: MarketTrade[]): MarketTrade[] {
  const byId = new Map<string, MarketTrade>();
  for (const t of [...a, ...b]) if (!byId.has(t.tradeId)) byId.set(t.tradeId, t);
  return [...byId.values()]
    .sort((x, y) => (x.timestamp < y.timestamp ? 1 : x.timestamp > y.timestamp ? -1 : 0))
    .slice(0, MAX_TAPE);
}

export function TradeView({ symbol }: { symbol: string }) {
  const router = useRouter();
  const { symbols, error: symbolsError } = useSymbols();
  const instrument = symbols.find((s) => s.symbol === symbol);
  const tickSize = instrument?.tickSize ?? "0.01";
  const lotSize = instrument?.lotSize ?? "1";
  const [book, setBook] = useState<BookState>({ bids: [], asks: [], lastPrice: null, volume: "0" });
  const [trades, setTrades] = useState<MarketTrade[]>([]);
  const [interval, setChartInterval] = useState<ChartInterval>("1m");
  const [candles, setCandles] = useState<TickCandle[]>([]);
  const [picked, setPicked] = useState<{ price: string; seq: number } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // market data for this symbol flows once the backend confirmed the subscription
  const [subscribed, setSubscribed] = useState(false);
  const { orders, fills, applyOrder } = useOrders();

  // Live messages seen so far: a REST snapshot requested before a live update must not overwrite it.
  const bookSeq = useRef(0);
  const tradeSeq = useRef(0);
  const shownSymbol = useRef(symbol);
  shownSymbol.current = symbol;

  const loadSnapshot = useCallback(() => {
    const seenBook = bookSeq.current;
    const seenTrade = tradeSeq.current;
    api.book(symbol, 15).then(
      (b) => {
        if (shownSymbol.current !== symbol) return; // a late answer for the previous symbol
        setBook((cur) => ({
          ...(bookSeq.current === seenBook
            ? { bids: b.bids, asks: b.asks }
            : { bids: cur.bids, asks: cur.asks }),
          ...(tradeSeq.current === seenTrade
            ? { lastPrice: b.lastPrice, volume: b.volume }
            : { lastPrice: cur.lastPrice, volume: cur.volume }),
        }));
        setLoadError(null);
      },
      (e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)),
    );
    api.trades(symbol, MAX_TAPE).then(
      (t) => {
        if (shownSymbol.current === symbol) setTrades((cur) => mergeTrades(cur, t.trades));
      },
      () => undefined,
    );
  }, [symbol]);

  useEffect(() => {
    setBook({ bids: [], asks: [], lastPrice: null, volume: "0" });
    setTrades([]);
    setSubscribed(false);
    loadSnapshot();
  }, [loadSnapshot]);

  // candles: from the backend when it has them, else built from recent trades
  useEffect(() => {
    if (!instrument) return;
    let cancelled = false;
    const secs = INTERVAL_SECONDS[interval];
    api.candles(symbol, interval, 300).then(
      (r) => {
        if (cancelled) return;
        setCandles(
          r.candles.map((c) => ({
            time: Math.floor(Date.parse(c.time) / 1000),
            open: toUnits(c.open, tickSize),
            high: toUnits(c.high, tickSize),
            low: toUnits(c.low, tickSize),
            close: toUnits(c.close, tickSize),
            volume: toUnits(c.volume, lotSize),
          })),
        );
      },
      () =>
        api.trades(symbol, 1000).then(
          (t) => !cancelled && setCandles(candlesFromTrades(t.trades, secs, tickSize, lotSize)),
          () => undefined,
        ),
    );
    return () => {
      cancelled = true;
    };
  }, [symbol, interval, instrument, tickSize, lotSize]);

  const live = useLiveMessages((msg) => {
    if (msg.type === "book" && msg.book.symbol === symbol) {
      bookSeq.current++;
      setBook((b) => ({ ...b, bids: msg.book.bids, asks: msg.book.asks }));
    } else if (msg.type === "trade" && msg.trade.symbol === symbol) {
      const t = msg.trade;
      tradeSeq.current++;
      setTrades((list) => mergeTrades([t], list));
      setBook((b) => {
        let volume = b.volume;
        try {
          volume = fromUnits(
            BigInt(toUnits(b.volume, lotSize)) + BigInt(toUnits(t.quantity, lotSize)),
            lotSize,
          );
        } catch {
          // keep the snapshot volume if it is off the lot grid
        }
        return { ...b, lastPrice: t.price, volume };
      });
      setCandles((c) => applyTrade(c, t, INTERVAL_SECONDS[interval], tickSize, lotSize));
    } else if (msg.type === "subscribed") {
      const has = msg.symbols.includes(symbol);
      setSubscribed(has);
      // catch up on anything that happened before the subscription took effect
      if (has) loadSnapshot();
    } else if (msg.type === "disconnected") {
      setSubscribed(false);
    }
  }, symbol);

  const bestBid = book.bids[0]?.price ?? null;
  const bestAsk = book.asks[0]?.price ?? null;

  return (
    <div className="trade-grid">
      <section className="panel area-stats" aria-label="Market summary">
        <div className="stats-bar">
          <label className="sr-only" htmlFor="symbol-select">
            Symbol
          </label>
          <select
            id="symbol-select"
            className="symbol-select"
            value={symbol}
            onChange={(e) => router.push(`/trade/${e.target.value}`)}
          >
            {(symbols.length ? symbols.map((s) => s.symbol) : [symbol]).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <Stat label="Last" value={formatPrice(book.lastPrice, tickSize)} big testId="stat-last" />
          <Stat label="Bid" value={formatPrice(bestBid, tickSize)} className="buy" testId="stat-bid" />
          <Stat label="Ask" value={formatPrice(bestAsk, tickSize)} className="sell" testId="stat-ask" />
          <Stat label="Spread" value={spread(bestBid, bestAsk, tickSize) ?? "—"} testId="stat-spread" />
          <Stat label="Volume" value={formatQuantity(book.volume, lotSize)} testId="stat-volume" />
          <Stat label="Tick / Lot" value={`${tickSize} / ${lotSize}`} className="muted" testId="stat-grid" />
          <span
            className="live-dot"
            data-state={live === "live" && subscribed ? "live" : "connecting"}
            data-testid="market-stream"
            style={{ marginLeft: "auto" }}
          >
            {live === "live" && subscribed ? "Streaming" : "Waiting for stream"}
          </span>
        </div>
        {(loadError || symbolsError) && (
          <div className="alert alert-error" role="alert" style={{ margin: "0 12px 10px" }}>
            {symbolsError ? (
              <>
                <code>{symbolsError.code}</code> {symbolsError.message}
              </>
            ) : (
              loadError
            )}
          </div>
        )}
      </section>

      <section className="panel area-chart" aria-label="Price chart">
        <div className="panel-head">
          <span>{symbol} chart</span>
          <div className="tabs" role="tablist" aria-label="Candle interval">
            {(["1s", "1m", "5m", "15m"] as const).map((iv) => (
              <button
                key={iv}
                type="button"
                role="tab"
                className="tab"
                aria-selected={interval === iv}
                onClick={() => setChartInterval(iv)}
              >
                {iv}
              </button>
            ))}
          </div>
        </div>
        <div className="chart-box">
          {instrument && <PriceChart candles={candles} tickSize={tickSize} lotSize={lotSize} />}
        </div>
      </section>

      <section className="panel area-book" aria-label="Order book">
        <div className="panel-head">
          <span>Order book</span>
          <span className="muted" style={{ textTransform: "none", letterSpacing: 0 }}>
            depth {book.bids.length}/{book.asks.length}
          </span>
        </div>
        <OrderBook
          bids={book.bids}
          asks={book.asks}
          tickSize={tickSize}
          lotSize={lotSize}
          lastPrice={book.lastPrice}
          onPickPrice={(price) => setPicked((p) => ({ price, seq: (p?.seq ?? 0) + 1 }))}
        />
      </section>

      <section className="panel area-ticket" aria-label="Order entry">
        <div className="panel-head">
          <span>Order ticket</span>
          <span className="muted">{symbol}</span>
        </div>
        <div className="panel-body">
          {instrument ? (
            <OrderTicket
              symbol={symbol}
              grid={{ tickSize, lotSize }}
              pickedPrice={picked}
              onOrder={applyOrder}
            />
          ) : (
            <div className="empty">{symbols.length ? `Unknown symbol ${symbol}` : "Loading instrument…"}</div>
          )}
          <AccountStrip symbol={symbol} lotSize={lotSize} />
        </div>
      </section>

      <div className="area-orders">
        <OrdersPanel orders={orders} fills={fills} symbols={symbols} onOrder={applyOrder} />
      </div>

      <section className="panel area-tape" aria-label="Trades">
        <div className="panel-head">
          <span>Trades</span>
        </div>
        <TradesTape trades={trades} tickSize={tickSize} lotSize={lotSize} />
      </section>
    </div>
  );
}

function Stat({
  label,
  value,
  big,
  className,
  testId,
}: {
  label: string;
  value: string;
  big?: boolean;
  className?: string;
  testId?: string;
}) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className={`stat-value num ${big ? "big" : ""} ${className ?? ""}`} data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
