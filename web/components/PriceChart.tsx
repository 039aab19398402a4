"use client";
// Candlestick chart (lightweight-charts), loaded lazily by the trade page so it is not in the first load.
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useRef } from "react";
import { type TickCandle, ticksToChart } from "@/lib/candles";
import { decimalsOfIncrement, formatTicks } from "@/lib/format";

export interface PriceChartProps {
  candles: TickCandle[];
  tickSize: string;
  lotSize: string;
}

export default function PriceChart({ candles, tickSize, lotSize }: PriceChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const volume = useRef<ISeriesApi<"Histogram"> | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const precision = decimalsOfIncrement(tickSize);
    const c = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: "#11151c" },
        textColor: "#8390a2",
        fontFamily: "var(--font-jetbrains), ui-monospace, monospace",
        fontSize: 11,
        attributionLogo: false,
      },
      grid: { vertLines: { color: "#1a202a" }, horzLines: { color: "#1a202a" } },
      rightPriceScale: { borderColor: "#222a36" },
      timeScale: { borderColor: "#222a36", timeVisible: true, secondsVisible: true },
      crosshair: { mode: 0 },
    });
    series.current = c.addSeries(CandlestickSeries, {
      upColor: "#1fbf75",
      downColor: "#f0525f",
      wickUpColor: "#1fbf75",
      wickDownColor: "#f0525f",
      borderVisible: false,
      priceFormat: { type: "price", precision, minMove: Number(tickSize) },
    });
    volume.current = c.addSeries(HistogramSeries, {
      priceScaleId: "vol",
      priceFormat: { type: "volume" },
      color: "rgba(76,141,255,0.35)",
    });
    c.priceScale("vol").applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      volume.current = null;
    };
  }, [tickSize]);

  useEffect(() => {
    if (!series.current || !volume.current) return;
    const lot = Number(lotSize);
    series.current.setData(
      candles.map((k) => ({
        time: k.time as UTCTimestamp,
        open: ticksToChart(k.open, tickSize),
        high: ticksToChart(k.high, tickSize),
        low: ticksToChart(k.low, tickSize),
        close: ticksToChart(k.close, tickSize),
      })),
    );
    volume.current.setData(
      candles.map((k) => ({
        time: k.time as UTCTimestamp,
        value: k.volume * lot,
        color: k.close >= k.open ? "rgba(31,191,117,0.35)" : "rgba(240,82,95,0.35)",
      })),
    );
  }, [candles, tickSize, lotSize]);

  const last = candles[candles.length - 1];
  return (
    <div
      ref={box}
      className="chart-canvas"
      data-testid="price-chart"
      // what the canvas draws, readable by tests and assistive tech
      data-candles={candles.length}
      data-last-close={last ? formatTicks(last.close, tickSize) : ""}
      role="img"
      aria-label={
        last ? `Candles, last close ${formatTicks(last.close, tickSize)}` : "Candles, no trades yet"
      }
    />
  );
}
