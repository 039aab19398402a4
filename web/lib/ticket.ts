// Order ticket validation, shared by the ticket component and its unit tests. It mirrors the backend's rules
// so the user sees the problem before sending; the backend still validates (and its exact reason is shown).
import type { OrderType, PlaceOrderRequest, Side, TimeInForce } from "@hft/shared/api";
import { fromUnits, fromUnitsFixed, toUnits, UnitError } from "@hft/shared/units";

export interface TicketInput {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** as typed; ignored for MARKET */
  price: string;
  quantity: string;
  postOnly: boolean;
}

export interface InstrumentGrid {
  tickSize: string;
  lotSize: string;
}

export type TicketField = "price" | "quantity" | "timeInForce" | "postOnly";
export type TicketErrors = Partial<Record<TicketField, string>>;

export type TicketResult = { ok: true; request: PlaceOrderRequest } | { ok: false; errors: TicketErrors };

const MAX_DECIMAL_LENGTH = 32;

/** Parse a user-typed positive amount on a grid; returns the canonical decimal string or an error message. */
export function parseOnGrid(
  text: string,
  increment: string,
  what: "Price" | "Quantity",
): { value: string } | { error: string } {
  const t = text.trim();
  if (t === "") return { error: `${what} is required` };
  if (t.length > MAX_DECIMAL_LENGTH) return { error: `${what} is too long` };
  if (!/^\d*\.?\d+$|^\d+\.$/.test(t)) return { error: `${what} must be a positive decimal number` };
  try {
    const units = toUnits(t.endsWith(".") ? t.slice(0, -1) : t, increment);
    if (units <= 0) return { error: `${what} must be greater than 0` };
    return { value: fromUnits(units, increment) };
  } catch (e) {
    if (e instanceof UnitError) {
      if (e.code === "OFF_GRID") {
        return {
          error:
            what === "Price"
              ? `Price must be a multiple of the tick size ${increment}`
              : `Quantity must be a multiple of the lot size ${increment}`,
        };
      }
      if (e.code === "OUT_OF_RANGE") return { error: `${what} is out of range` };
      return { error: `${what} must be a positive decimal number` };
    }
    throw e;
  }
}

/** Validate the ticket and build the exact API request (canonical decimal strings, no floats). */
export function validateTicket(input: TicketInput, grid: InstrumentGrid): TicketResult {
  const errors: TicketErrors = {};
  const qty = parseOnGrid(input.quantity, grid.lotSize, "Quantity");
  if ("error" in qty) errors.quantity = qty.error;

  let price: string | undefined;
  if (input.type === "LIMIT") {
    const p = parseOnGrid(input.price, grid.tickSize, "Price");
    if ("error" in p) errors.price = p.error;
    else price = p.value;
  }

  if (input.type === "MARKET" && input.timeInForce === "GTC") {
    errors.timeInForce = "Market orders must be IOC or FOK";
  }
  if (input.postOnly) {
    if (input.type === "MARKET") errors.postOnly = "Post-only applies to limit orders only";
    else if (input.timeInForce !== "GTC")
      errors.postOnly = "Post-only orders must be GTC (they rest on the book)";
  }

  if (Object.keys(errors).length > 0 || "error" in qty) return { ok: false, errors };

  const request: PlaceOrderRequest = {
    symbol: input.symbol,
    side: input.side,
    type: input.type,
    timeInForce: input.timeInForce,
    quantity: qty.value,
  };
  if (price !== undefined) request.price = price;
  if (input.postOnly) request.postOnly = true;
  return { ok: true, request };
}

/** Default time in force when the order type changes (what the backend would pick). */
export function defaultTimeInForce(type: OrderType): TimeInForce {
  return type === "MARKET" ? "IOC" : "GTC";
}

/** Notional of a valid LIMIT ticket (price * quantity), exact, for the ticket summary. */
export function estimateNotional(price: string, quantity: string, grid: InstrumentGrid): string | null {
  try {
    const ticks = BigInt(toUnits(price, grid.tickSize));
    const lots = BigInt(toUnits(quantity, grid.lotSize));
    const tickDec = grid.tickSize.includes(".") ? grid.tickSize.split(".")[1].length : 0;
    const lotDec = grid.lotSize.includes(".") ? grid.lotSize.split(".")[1].length : 0;
    // value = ticks*tick * lots*lot; tick and lot as integers over 10^dec
    const tickInt = BigInt(grid.tickSize.replace(".", ""));
    const lotInt = BigInt(grid.lotSize.replace(".", ""));
    const mantissa = ticks * tickInt * lots * lotInt;
    const scale = tickDec + lotDec;
    return fromUnits(mantissa, scale === 0 ? "1" : `0.${"0".repeat(scale - 1)}1`);
  } catch {
    return null;
  }
}

/**
 * The value one grid step up or down (ArrowUp/ArrowDown in the ticket), exactly: "190.25" + 1 tick of 0.01 =
 * "190.26". Never below one step; null when the text is not a value on the grid (the key then does nothing).
 */
export function stepOnGrid(text: string, increment: string, steps: number): string | null {
  const t = text.trim();
  if (t === "") return steps > 0 ? fromUnitsFixed(1, increment) : null;
  if (!/^\d*\.?\d+$/.test(t)) return null;
  try {
    const units = BigInt(toUnits(t, increment)) + BigInt(steps);
    // shown with the increment's decimals, like the book shows prices ("190.30", not "190.3")
    return fromUnitsFixed(units < 1n ? 1n : units, increment);
  } catch (e) {
    if (e instanceof UnitError) return null;
    throw e;
  }
}
