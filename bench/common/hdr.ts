// HDR histogram helpers: latencies are collected raw (ns) into a preallocated array during the measured loop and
// fed to an HDR histogram afterwards, so recording costs nothing inside the timed window.
import { build } from "hdr-histogram-js";

export interface LatencySummary {
  count: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  p999_us: number;
  p9999_us: number;
  max_us: number;
  mean_us: number;
}

export function summarize(samplesNs: Float64Array, count: number): LatencySummary {
  const h = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (let i = 0; i < count; i++) {
    const v = Math.round(samplesNs[i]);
    h.recordValue(Math.max(v, 1));
  }
  const us = (ns: number): number => Math.round(ns) / 1000;
  const s: LatencySummary = {
    count,
    p50_us: us(h.getValueAtPercentile(50)),
    p90_us: us(h.getValueAtPercentile(90)),
    p99_us: us(h.getValueAtPercentile(99)),
    p999_us: us(h.getValueAtPercentile(99.9)),
    p9999_us: us(h.getValueAtPercentile(99.99)),
    max_us: us(h.maxValue),
    mean_us: Math.round(h.mean) / 1000,
  };
  h.destroy();
  return s;
}

/** Nanoseconds from a monotonic clock as a double (performance.now() does not allocate, unlike hrtime.bigint()). */
export function nowNs(): number {
  return performance.now() * 1e6;
}

/** Median cost of one nowNs() call, to report next to per-op latencies. */
export function clockOverheadNs(): number {
  const n = 200_000;
  const t0 = nowNs();
  let x = 0;
  for (let i = 0; i < n; i++) x += nowNs();
  const t1 = nowNs();
  if (x === 0) console.error("unreachable");
  return (t1 - t0) / n;
}
