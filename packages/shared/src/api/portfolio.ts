import { z } from "zod";
import { DecimalString, SignedDecimalString, Timestamp } from "./common.js";

export const Position = z.object({
  symbol: z.string(),
  /** signed: negative = short */
  quantity: SignedDecimalString,
  /** average entry price of the open quantity (display precision, rounded) */
  averageCost: z.string().nullable(),
  /** exact cost of the open quantity, currency */
  costBasis: SignedDecimalString,
  realizedPnl: SignedDecimalString,
  updatedAt: Timestamp,
});
export type Position = z.infer<typeof Position>;

export const PositionsResponse = z.object({ positions: z.array(Position) });
export type PositionsResponse = z.infer<typeof PositionsResponse>;

export const PortfolioPosition = Position.extend({
  /** current market price from the price feed */
  marketPrice: z.string().nullable(),
  marketValue: SignedDecimalString,
  unrealizedPnl: SignedDecimalString,
  /** share of total value in percent, 2 decimals */
  weightPercent: z.string(),
});
export type PortfolioPosition = z.infer<typeof PortfolioPosition>;

/** GET /api/v1/portfolio — money is in the account currency (decimal strings). */
export const PortfolioResponse = z.object({
  currency: z.string(),
  cash: SignedDecimalString,
  /** cash reserved by open buy orders */
  reservedCash: SignedDecimalString,
  buyingPower: SignedDecimalString,
  positionsValue: SignedDecimalString,
  totalValue: SignedDecimalString,
  costBasis: SignedDecimalString,
  realizedPnl: SignedDecimalString,
  unrealizedPnl: SignedDecimalString,
  positions: z.array(PortfolioPosition),
  asOf: Timestamp,
});
export type PortfolioResponse = z.infer<typeof PortfolioResponse>;

/** Risk limits of a user (quantities in the symbol's units, money in currency). */
export const RiskLimits = z.object({
  /** max absolute position per symbol */
  maxPositionQuantity: DecimalString,
  maxOrderQuantity: DecimalString,
  maxOrderNotional: DecimalString,
  /** max distance of a limit price from the reference price, basis points */
  priceCollarBps: z.number().int().min(1).max(10_000),
  /** token bucket: sustained orders per second and burst size */
  ordersPerSecond: z.number().int().min(1).max(1_000_000),
  orderBurst: z.number().int().min(1).max(1_000_000),
});
export type RiskLimits = z.infer<typeof RiskLimits>;

export const RiskLimitsResponse = RiskLimits.extend({ userId: z.string(), updatedAt: Timestamp });
export type RiskLimitsResponse = z.infer<typeof RiskLimitsResponse>;

/** PUT /api/v1/admin/users/:userId/risk-limits (admin only): full replacement. */
export const PutRiskLimitsRequest = RiskLimits.strict();
export type PutRiskLimitsRequest = z.infer<typeof PutRiskLimitsRequest>;

export const UserIdParams = z.object({
  userId: z.string().regex(/^\d{1,19}$/, "userId must be a decimal integer"),
});
