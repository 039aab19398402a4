import type { Order, PortfolioResponse, RiskLimits } from "@hft/shared/api";
import { describe, expect, it } from "vitest";
import { riskUsage, usageLevel } from "../lib/risk";

const limits: RiskLimits = {
  maxPositionQuantity: "1000",
  maxOrderQuantity: "5",
  maxOrderNotional: "100000",
  priceCollarBps: 1000,
  ordersPerSecond: 10,
  orderBurst: 20,
};

const grid = () => ({ tickSize: "0.01", lotSize: "1" });

function order(over: Partial<Order>): Order {
  return {
    id: "1",
    engineOrderId: null,
    clientOrderId: null,
    symbol: "AAPL",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    price: "190.00",
    quantity: "4",
    filledQuantity: "0",
    leavesQuantity: "4",
    averagePrice: null,
    postOnly: false,
    status: "NEW",
    rejectReason: null,
    createdAt: "2020-01-01T00:00:00Z",
    updatedAt: "2020-01-01T00:00:00Z",
    ...over,
  };
}

const portfolio = {
  currency: "USD",
  cash: "10000.00",
  reservedCash: "760.00",
  buyingPower: "9240.00",
  positionsValue: "0",
  totalValue: "10000.00",
  costBasis: "0",
  realizedPnl: "0",
  unrealizedPnl: "0",
  positions: [
    {
      symbol: "MSFT",
      quantity: "-250",
      averageCost: "420.00",
      costBasis: "-105000.00",
      realizedPnl: "0",
      updatedAt: "2020-01-01T00:00:00Z",
      marketPrice: "420.00",
      marketValue: "-105000.00",
      unrealizedPnl: "0",
      weightPercent: "0",
    },
  ],
  asOf: "2020-01-01T00:00:00Z",
} satisfies PortfolioResponse;

describe("risk usage", () => {
  it("measures each limit against the portfolio and open orders", () => {
    const rows = riskUsage(limits, portfolio, [order({})], grid);
    const by = new Map(rows.map((r) => [r.key, r]));
    // a short position counts by its absolute size
    expect(by.get("position")).toMatchObject({ used: "250", limit: "1000", ratio: 0.25 });
    expect(by.get("position-MSFT")?.ratio).toBe(0.25);
    expect(by.get("orderQuantity")).toMatchObject({ used: "4", limit: "5", ratio: 0.8 });
    // 190.00 x 4, exact
    expect(by.get("orderNotional")).toMatchObject({ used: "760", limit: "100000" });
    expect(by.get("buyingPower")?.ratio).toBeCloseTo(0.076, 10);
  });

  it("is all zero for a fresh account", () => {
    const rows = riskUsage(limits, null, [], grid);
    for (const r of rows) expect(r.ratio).toBe(0);
    expect(rows.find((r) => r.key === "buyingPower")).toBeUndefined();
  });

  it("grades usage: ok below 70 %, warn from 70 %, danger from 90 %", () => {
    expect(usageLevel(0.69)).toBe("ok");
    expect(usageLevel(0.7)).toBe("warn");
    expect(usageLevel(0.9)).toBe("danger");
    expect(usageLevel(1.5)).toBe("danger");
  });
});
