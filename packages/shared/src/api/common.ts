// Shared building blocks of the REST API contract (backend validates with them, web builds against them).
// Prices, quantities and money travel as decimal STRINGS so no float ever touches them.
import { z } from "zod";

/** Unsigned decimal string, e.g. "189.25" or "10". Converted to ticks/lots exactly by the backend. */
export const DecimalString = z
  .string()
  .max(32, "decimal too long (max 32 characters)")
  .regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string such as "189.25"');

/** Signed decimal string (positions, P&L, money), e.g. "-12.50". Only in responses. */
export const SignedDecimalString = z.string().regex(/^-?\d+(\.\d+)?$/);

export const SymbolCode = z
  .string()
  .min(1)
  .max(16)
  .regex(/^[A-Z0-9.-]+$/, "symbol must be upper-case letters, digits, '.' or '-'");

export const Side = z.enum(["BUY", "SELL"]);
export type Side = z.infer<typeof Side>;

export const OrderType = z.enum(["MARKET", "LIMIT"]);
export type OrderType = z.infer<typeof OrderType>;

export const TimeInForce = z.enum(["GTC", "IOC", "FOK"]);
export type TimeInForce = z.infer<typeof TimeInForce>;

export const OrderStatus = z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELLED", "REJECTED"]);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** ISO-8601 timestamp string in responses. */
export const Timestamp = z.string();

/** Opaque pagination cursor (base64url); pass back `nextCursor` as `cursor`. */
export const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "malformed cursor");

export const PageLimit = z.coerce
  .number()
  .int("limit must be an integer")
  .min(1, "limit must be at least 1")
  .max(500, "limit must be at most 500")
  .default(50);

/** Every error the API returns has this shape. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Machine-readable error codes. Risk rejections are 422 RISK_*; engine rejections are 422 ENGINE_<REASON>
 * (the proto RejectReason name, e.g. ENGINE_POST_ONLY_WOULD_TAKE).
 */
export const ErrorCode = {
  VALIDATION_ERROR: "VALIDATION_ERROR",
  MALFORMED_JSON: "MALFORMED_JSON",
  BAD_REQUEST: "BAD_REQUEST",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNAUTHORIZED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  UNKNOWN_SYMBOL: "UNKNOWN_SYMBOL",
  PRICE_OFF_TICK: "PRICE_OFF_TICK",
  QUANTITY_OFF_LOT: "QUANTITY_OFF_LOT",
  INVALID_PRICE: "INVALID_PRICE",
  INVALID_QUANTITY: "INVALID_QUANTITY",
  ORDER_NOT_OPEN: "ORDER_NOT_OPEN",
  ORDER_NOT_MODIFIABLE: "ORDER_NOT_MODIFIABLE",
  USERNAME_TAKEN: "USERNAME_TAKEN",
  RATE_LIMITED: "RATE_LIMITED",
  RISK_MAX_POSITION: "RISK_MAX_POSITION",
  RISK_MAX_ORDER_QUANTITY: "RISK_MAX_ORDER_QUANTITY",
  RISK_MAX_ORDER_NOTIONAL: "RISK_MAX_ORDER_NOTIONAL",
  RISK_BUYING_POWER: "RISK_BUYING_POWER",
  RISK_PRICE_COLLAR: "RISK_PRICE_COLLAR",
  RISK_RATE_LIMIT: "RISK_RATE_LIMIT",
  RISK_NO_REFERENCE_PRICE: "RISK_NO_REFERENCE_PRICE",
  ENGINE_UNAVAILABLE: "ENGINE_UNAVAILABLE",
  PERSISTENCE_FAILED: "PERSISTENCE_FAILED",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
