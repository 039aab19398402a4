// Candles (OHLCV) built from trades in integer ticks/lots, for the price chart's live updates.
import { fromUnits, toUnits } from "@hft/shared/units";

export interface TickCandle {
  /** bucket start, unix seconds */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** lots */
  volume: number;
}

export interface TradeLike {
  price: string;
  quantity: string;
  timestamp: string;
}

export const INTERVAL_SECONDS = { "1s": 1, "1m": 60, "5m": 300, "15m": 900, "1h": 3600 } as const;
export type ChartInterval = keyof typeof INTERVAL_SECONDS;

export function bucketStart(timestampIso: string, intervalSeconds: number): number {
  const s = Math.floor(Date.parse(timestampIso) / 1000);
  return s - (s % intervalSeconds);
}

/** Fold one trade into a candle list sorted by time (mutates nothing; returns the new list). */
export function applyTrade(
  candles: readonly TickCandle[],
  trade: TradeLike,
  intervalSeconds: number,
  tickSize: string,
  lotSize: string,
): TickCandle[] {
  const time = bucketStart(trade.timestamp, intervalSeconds);
  if (!Number.isFinite(time)) return candles.slice();
  const px = toUnits(trade.price, tickSize);
  const qty = toUnits(trade.quantity, lotSize);
  const last = candles[candles.length - 1];
  if (last && last.time === time) {
    const updated: TickCandle = {
      time,
      open: last.open,
      high: Math.max(last.high, px),
      low: Math.min(last.low, px),
      close: px,
      volume: last.volume + qty,
    };
    return [...candles.slice(0, -1), updated];
  }
  if (last && last.time > time) {
    // an out-of-order trade for an older bucket: fold it in place
    const i = candles.findIndex((c) => c.time === time);
    if (i === -1) return candles.slice();
    const c = candles[i];
    const next = candles.slice();
    next[i] = { ...c, high: Math.max(c.high, px), low: Math.min(c.low, px), volume: c.volume + qty };
    return next;
  }
  return [...candles, { time, open: px, high: px, low: px, close: px, volume: qty }];
}

/** Candles from a list of trades (any order). */
export function candlesFromTrades(
  trades: readonly TradeLike[],
  intervalSeconds: number,
  tickSize: string,
  lotSize: string,
): TickCandle[] {
  const sorted = [...trades].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  let out: TickCandle[] = [];
  for (const t of sorted) out = applyTrade(out, t, intervalSeconds, tickSize, lotSize);
  return out;
}

/** Ticks -> chart number. The chart only draws; exact values are shown as text elsewhere. */
export function ticksToChart(ticks: number, tickSize: string): number {
  return Number(fromUnits(ticks, tickSize));
}
