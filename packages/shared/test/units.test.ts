import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromUnits, fromUnitsFixed, toUnits, UnitError } from "../src/units.js";

describe("units", () => {
  it("converts decimals to ticks exactly", () => {
    expect(toUnits("123.45", "0.01")).toBe(12345);
    expect(toUnits(0.3, "0.1")).toBe(3); // 0.1+0.2 style drift cannot appear
    expect(toUnits("100", "0.05")).toBe(2000);
    expect(toUnits(1e-7, "0.0000001")).toBe(1);
  });
  it("rejects off-grid amounts instead of rounding", () => {
    expect(() => toUnits("123.455", "0.01")).toThrow(UnitError);
    expect(() => toUnits("1.5", "1")).toThrow(/not a multiple/);
    expect(() => toUnits("abc", "1")).toThrow(/not a decimal/);
  });
  it("formats ticks exactly", () => {
    expect(fromUnits(12345, "0.01")).toBe("123.45");
    expect(fromUnits(-5, "0.01")).toBe("-0.05");
    expect(fromUnitsFixed(12300, "0.01")).toBe("123.00");
    expect(fromUnitsFixed(7, "0.5", 2)).toBe("3.50");
  });
  it("round-trips any integer number of ticks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom("0.01", "0.05", "1", "0.0001", "25"),
        (n, inc) => {
          expect(toUnits(fromUnits(n, inc), inc)).toBe(n);
        },
      ),
    );
  });
});
