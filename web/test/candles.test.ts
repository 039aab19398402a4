import { describe, expect, it } from "vitest";
import { applyTrade, bucketStart, candlesFromTrades } from "../lib/candles";

const trade = (price: string, quantity: string, timestamp: string) => ({ price, quantity, timestamp });

describe("candles from trades (integer ticks and lots)", () => {
  it("buckets by interval start", () => {
    expect(bucketStart("2026-01-01T10:00:59.999Z", 60)).toBe(Date.parse("2026-01-01T10:00:00Z") / 1000);
    expect(bucketStart("2026-01-01T10:01:00.000Z", 60)).toBe(Date.parse("2026-01-01T10:01:00Z") / 1000);
  });

  it("builds open/high/low/close/volume per bucket, in time order whatever the input order", () => {
    const trades = [
      trade("190.10", "3", "2026-01-01T10:00:30Z"),
      trade("190.00", "1", "2026-01-01T10:00:01Z"),
      trade("189.95", "2", "2026-01-01T10:00:45Z"),
      trade("190.20", "5", "2026-01-01T10:01:02Z"),
    ];
    const c = candlesFromTrades(trades, 60, "0.01", "1");
    expect(c).toEqual([
      {
        time: Date.parse("2026-01-01T10:00:00Z") / 1000,
        open: 19000,
        high: 19010,
        low: 18995,
        close: 18995,
        volume: 6,
      },
      {
        time: Date.parse("2026-01-01T10:01:00Z") / 1000,
        open: 19020,
        high: 19020,
        low: 19020,
        close: 19020,
        volume: 5,
      },
    ]);
  });

  it("folds a live trade into the current candle without mutating the old list", () => {
    const before = candlesFromTrades([trade("10.00", "1", "2026-01-01T10:00:00Z")], 60, "0.01", "1");
    const frozen = JSON.stringify(before);
    const after = applyTrade(before, trade("10.05", "2", "2026-01-01T10:00:10Z"), 60, "0.01", "1");
    expect(JSON.stringify(before)).toBe(frozen);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ open: 1000, high: 1005, low: 1000, close: 1005, volume: 3 });
  });

  it("counts a late trade in its own older bucket and leaves the newest close alone", () => {
    const c = candlesFromTrades(
      [trade("10.00", "1", "2026-01-01T10:00:00Z"), trade("11.00", "1", "2026-01-01T10:01:00Z")],
      60,
      "0.01",
      "1",
    );
    const late = applyTrade(c, trade("9.50", "4", "2026-01-01T10:00:30Z"), 60, "0.01", "1");
    expect(late[0]).toMatchObject({ low: 950, volume: 5 });
    expect(late[1]).toEqual(c[1]);
  });

  it("uses the instrument's lot size for volume", () => {
    const c = candlesFromTrades([trade("1.00", "2.5", "2026-01-01T10:00:00Z")], 60, "0.01", "0.5");
    expect(c[0]?.volume).toBe(5); // 5 lots of 0.5
  });
});
