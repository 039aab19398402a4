import { describe, expect, it } from "vitest";
import {
  compareDecimal,
  formatLots,
  formatMoney,
  formatPnl,
  formatPrice,
  formatQuantity,
  formatTicks,
  groupThousands,
  padDecimals,
  ratio,
  spread,
  withCumulative,
} from "../lib/format";

describe("prices from ticks", () => {
  it("formats ticks with the tick's decimals, exactly", () => {
    expect(formatTicks(19025, "0.01")).toBe("190.25");
    expect(formatTicks(19000, "0.01")).toBe("190.00");
    expect(formatTicks(1, "0.01")).toBe("0.01");
    expect(formatTicks(123456789, "0.01")).toBe("1,234,567.89");
    expect(formatTicks(3, "0.05")).toBe("0.15");
    expect(formatTicks(7, "0.25")).toBe("1.75");
  });

  it("has no float drift where floats would show one", () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; 10 + 20 ticks of 0.01 is exactly 0.30
    expect(formatTicks(10 + 20, "0.01")).toBe("0.30");
    // 1.1 * 3 = 3.3000000000000003 in floats
    expect(formatTicks(110 * 3, "0.01")).toBe("3.30");
    // large prices keep every digit (9007199254740991 ticks is beyond float precision once scaled)
    expect(formatTicks(9007199254740991n, "0.01")).toBe("90,071,992,547,409.91");
  });

  it("formats decimal price strings on the tick grid and pads to the tick's decimals", () => {
    expect(formatPrice("190.5", "0.01")).toBe("190.50");
    expect(formatPrice("190", "0.01")).toBe("190.00");
    expect(formatPrice("0.3", "0.01")).toBe("0.30");
    expect(formatPrice(null, "0.01")).toBe("—");
    // off-grid values (an average price) are shown as given, never rounded
    expect(formatPrice("190.123", "0.01")).toBe("190.123");
  });
});

describe("quantities from lots", () => {
  it("formats lots exactly", () => {
    expect(formatLots(3, "1")).toBe("3");
    expect(formatLots(3, "0.5")).toBe("1.5");
    expect(formatLots(1000000, "1")).toBe("1,000,000");
    expect(formatLots(3, "0.1")).toBe("0.3");
  });
  it("formats quantity strings", () => {
    expect(formatQuantity("10", "1")).toBe("10");
    expect(formatQuantity("12000", "1")).toBe("12,000");
    expect(formatQuantity("", "1")).toBe("—");
  });
});

describe("money and helpers", () => {
  it("pads money to 2 decimals without dropping digits", () => {
    expect(formatMoney("1234.5")).toBe("1,234.50");
    expect(formatMoney("-1234.5")).toBe("-1,234.50");
    expect(formatMoney("0")).toBe("0.00");
    expect(formatMoney("12.3456")).toBe("12.3456");
    expect(formatPnl("5")).toBe("+5.00");
    expect(formatPnl("-5")).toBe("-5.00");
    expect(formatPnl("0")).toBe("0.00");
  });
  it("groups thousands on strings", () => {
    expect(groupThousands("1234567.891")).toBe("1,234,567.891");
    expect(groupThousands("-999")).toBe("-999");
    expect(padDecimals("7", 2)).toBe("7.00");
  });
  it("compares and divides decimals exactly", () => {
    expect(compareDecimal("0.30", "0.3")).toBe(0);
    expect(compareDecimal("10", "9.99")).toBe(1);
    expect(ratio("50", "200")).toBe(0.25);
    expect(ratio("1", "0")).toBe(0);
  });
  it("computes the spread in ticks", () => {
    expect(spread("190.10", "190.30", "0.01")).toBe("0.20");
    expect(spread(null, "190.30", "0.01")).toBeNull();
  });
});

describe("order book depth", () => {
  it("accumulates size from the best level outwards, exactly in lots", () => {
    const rows = withCumulative(
      [
        { price: "190.00", quantity: "0.1", orderCount: 1 },
        { price: "189.99", quantity: "0.2", orderCount: 2 },
        { price: "189.98", quantity: "0.7", orderCount: 1 },
      ],
      "0.1",
    );
    expect(rows.map((r) => r.cumulative)).toEqual(["0.1", "0.3", "1"]);
    expect(rows.map((r) => r.fill)).toEqual([0.1, 0.3, 1]);
  });
  it("handles an empty side", () => {
    expect(withCumulative([], "1")).toEqual([]);
  });
});
