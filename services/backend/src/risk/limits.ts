// Risk limits rows <-> API shape. Quantities are Decimal(24,8) in the DB, notional is integer cents.

import { parseDecimal } from "@hft/shared";
import type { RiskLimits, RiskLimitsResponse } from "@hft/shared/api";
import { ApiError } from "../errors.js";
import { centsToString, parseCents } from "../money.js";
import { DEFAULT_LIMITS } from "../state/core.js";

interface LimitsRow {
  maxPositionQuantity: { toFixed(): string };
  maxOrderQuantity: { toFixed(): string };
  maxOrderNotional: bigint;
  priceCollarBps: number;
  ordersPerSecond: number;
  orderBurst: number;
  updatedAt: Date;
}

/** Decimal.js renders big values in exponent form with toString(); toFixed() never does. */
function plain(d: { toFixed(): string }): string {
  const s = d.toFixed();
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

export function limitsView(userId: bigint, row: LimitsRow | null): RiskLimitsResponse {
  if (!row) {
    return {
      userId: userId.toString(),
      maxPositionQuantity: DEFAULT_LIMITS.maxPositionQuantity,
      maxOrderQuantity: DEFAULT_LIMITS.maxOrderQuantity,
      maxOrderNotional: centsToString(DEFAULT_LIMITS.maxOrderNotionalCents),
      priceCollarBps: DEFAULT_LIMITS.priceCollarBps,
      ordersPerSecond: DEFAULT_LIMITS.ordersPerSecond,
      orderBurst: DEFAULT_LIMITS.orderBurst,
      updatedAt: new Date(0).toISOString(),
    };
  }
  return {
    userId: userId.toString(),
    maxPositionQuantity: plain(row.maxPositionQuantity),
    maxOrderQuantity: plain(row.maxOrderQuantity),
    maxOrderNotional: centsToString(row.maxOrderNotional),
    priceCollarBps: row.priceCollarBps,
    ordersPerSecond: row.ordersPerSecond,
    orderBurst: row.orderBurst,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Checks that the decimals fit the columns: quantities Decimal(24,8), notional cents in int64. */
export function limitsRow(l: RiskLimits) {
  const qty = (field: string, v: string) => {
    const d = parseDecimal(v);
    const intDigits = v.split(".")[0].replace(/^0+/, "").length;
    if (d.scale > 8 || intDigits > 16) {
      throw new ApiError(400, "VALIDATION_ERROR", `body.${field}: at most 16 integer digits and 8 decimals`, [
        { field: `body.${field}`, message: "at most 16 integer digits and 8 decimals" },
      ]);
    }
    return v;
  };
  let notional: bigint;
  try {
    notional = parseCents(l.maxOrderNotional);
  } catch {
    throw new ApiError(400, "VALIDATION_ERROR", "body.maxOrderNotional: at most 2 decimals", [
      { field: "body.maxOrderNotional", message: "at most 2 decimals" },
    ]);
  }
  if (notional > 1n << 62n) {
    throw new ApiError(400, "VALIDATION_ERROR", "body.maxOrderNotional: too large", [
      { field: "body.maxOrderNotional", message: "too large" },
    ]);
  }
  return {
    maxPositionQuantity: qty("maxPositionQuantity", l.maxPositionQuantity),
    maxOrderQuantity: qty("maxOrderQuantity", l.maxOrderQuantity),
    maxOrderNotional: notional,
    priceCollarBps: l.priceCollarBps,
    ordersPerSecond: l.ordersPerSecond,
    orderBurst: l.orderBurst,
  };
}
