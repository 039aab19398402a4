import { describe, expect, it } from "vitest";
import { estimateNotional, parseOnGrid, stepOnGrid, type TicketInput, validateTicket } from "../lib/ticket";

const grid = { tickSize: "0.01", lotSize: "1" };
const base: TicketInput = {
  symbol: "AAPL",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  price: "190.25",
  quantity: "10",
  postOnly: false,
};

describe("validateTicket", () => {
  it("builds the exact API request for a valid limit order", () => {
    const r = validateTicket(base, grid);
    expect(r).toEqual({
      ok: true,
      request: {
        symbol: "AAPL",
        side: "BUY",
        type: "LIMIT",
        timeInForce: "GTC",
        price: "190.25",
        quantity: "10",
      },
    });
  });

  it("canonicalises what the user typed (no floats, no trailing zeros)", () => {
    const r = validateTicket({ ...base, price: " 190.50 ", quantity: "010" }, grid);
    expect(r.ok && r.request.price).toBe("190.5");
    expect(r.ok && r.request.quantity).toBe("10");
  });

  it("rejects a price off the tick grid", () => {
    const r = validateTicket({ ...base, price: "190.255" }, grid);
    expect(r).toEqual({ ok: false, errors: { price: "Price must be a multiple of the tick size 0.01" } });
  });

  it("rejects a quantity off the lot grid", () => {
    const r = validateTicket({ ...base, quantity: "1.5" }, grid);
    expect(r).toEqual({ ok: false, errors: { quantity: "Quantity must be a multiple of the lot size 1" } });
    expect(validateTicket({ ...base, quantity: "0.35" }, { tickSize: "0.01", lotSize: "0.1" }).ok).toBe(
      false,
    );
    expect(validateTicket({ ...base, quantity: "0.3" }, { tickSize: "0.01", lotSize: "0.1" }).ok).toBe(true);
  });

  it("requires positive values", () => {
    expect(validateTicket({ ...base, quantity: "0" }, grid)).toEqual({
      ok: false,
      errors: { quantity: "Quantity must be greater than 0" },
    });
    expect(validateTicket({ ...base, price: "-1" }, grid)).toEqual({
      ok: false,
      errors: { price: "Price must be a positive decimal number" },
    });
    expect(validateTicket({ ...base, price: "0.00" }, grid)).toEqual({
      ok: false,
      errors: { price: "Price must be greater than 0" },
    });
  });

  it("requires fields and reports every problem at once", () => {
    expect(validateTicket({ ...base, price: "", quantity: " " }, grid)).toEqual({
      ok: false,
      errors: { price: "Price is required", quantity: "Quantity is required" },
    });
  });

  it("rejects garbage and exponent notation", () => {
    for (const bad of ["abc", "1e3", "1,000", "12.3.4", "NaN", "Infinity", "0x10"]) {
      const r = validateTicket({ ...base, quantity: bad }, grid);
      expect(r.ok, bad).toBe(false);
    }
    expect(validateTicket({ ...base, price: "9".repeat(40) }, grid)).toEqual({
      ok: false,
      errors: { price: "Price is too long" },
    });
  });

  it("market orders: no price, IOC/FOK only, no post-only", () => {
    const r = validateTicket({ ...base, type: "MARKET", timeInForce: "IOC", price: "garbage" }, grid);
    expect(r).toEqual({
      ok: true,
      request: { symbol: "AAPL", side: "BUY", type: "MARKET", timeInForce: "IOC", quantity: "10" },
    });
    expect(validateTicket({ ...base, type: "MARKET", timeInForce: "GTC" }, grid)).toEqual({
      ok: false,
      errors: { timeInForce: "Market orders must be IOC or FOK" },
    });
    expect(validateTicket({ ...base, type: "MARKET", timeInForce: "FOK", postOnly: true }, grid)).toEqual({
      ok: false,
      errors: { postOnly: "Post-only applies to limit orders only" },
    });
  });

  it("post-only limit orders must be GTC and are sent with postOnly", () => {
    expect(validateTicket({ ...base, postOnly: true, timeInForce: "IOC" }, grid).ok).toBe(false);
    const r = validateTicket({ ...base, postOnly: true }, grid);
    expect(r.ok && r.request.postOnly).toBe(true);
  });
});

describe("parseOnGrid and notional", () => {
  it("accepts a trailing dot while typing", () => {
    expect(parseOnGrid("190.", "0.01", "Price")).toEqual({ value: "190" });
  });
  it("computes notional exactly", () => {
    expect(estimateNotional("0.1", "3", grid)).toBe("0.3");
    expect(estimateNotional("190.25", "10", grid)).toBe("1902.5");
    expect(estimateNotional("1.05", "0.3", { tickSize: "0.05", lotSize: "0.1" })).toBe("0.315");
  });
});

describe("arrow-key steps on the grid", () => {
  it("moves by exactly one tick or lot, without float drift", () => {
    expect(stepOnGrid("190.25", "0.01", 1)).toBe("190.26");
    expect(stepOnGrid("0.29", "0.01", 1)).toBe("0.30");
    expect(stepOnGrid("190.25", "0.05", -1)).toBe("190.20");
    expect(stepOnGrid("7", "1", 10)).toBe("17");
    expect(stepOnGrid("2.5", "0.5", 1)).toBe("3.0");
  });

  it("never goes below one step and starts from one step when empty", () => {
    expect(stepOnGrid("0.01", "0.01", -1)).toBe("0.01");
    expect(stepOnGrid("3", "1", -10)).toBe("1");
    expect(stepOnGrid("", "0.01", 1)).toBe("0.01");
    expect(stepOnGrid("", "0.01", -1)).toBeNull();
  });

  it("does nothing for text off the grid or not a number", () => {
    expect(stepOnGrid("190.255", "0.01", 1)).toBeNull();
    expect(stepOnGrid("abc", "0.01", 1)).toBeNull();
    expect(stepOnGrid("-1", "0.01", 1)).toBeNull();
  });
});
