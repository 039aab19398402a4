// Table-driven bad input for every route: malformed, missing, oversized and wrong-typed fields get a 4xx with
// a machine-readable code and a message naming the problem — never a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeededUser } from "../src/db/seed.js";
import { client, type Stack, startStack } from "./support/stack.js";

type Err = { error: { code: string; message: string; details?: unknown } };

let stack: Stack;
let user: SeededUser;
let admin: SeededUser;

beforeAll(async () => {
  stack = await startStack();
  user = await stack.user({ username: "trader" });
  admin = await stack.user({ username: "admin", role: "ADMIN" });
});
afterAll(async () => {
  await stack?.stop();
});

const order = { symbol: "AAPL", side: "BUY", type: "LIMIT", price: "180.00", quantity: "1" };
const limits = {
  maxPositionQuantity: "100",
  maxOrderQuantity: "10",
  maxOrderNotional: "10000",
  priceCollarBps: 500,
  ordersPerSecond: 10,
  orderBurst: 10,
};
const big = "9".repeat(40);
const huge = "A".repeat(20_000);

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  as?: "user" | "admin" | "anon";
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** regex the message must match (a clear message names the field or the problem) */
  message?: RegExp;
}

const cases: Case[] = [
  // --- POST /api/v1/orders
  {
    name: "malformed JSON",
    method: "POST",
    path: "/api/v1/orders",
    body: "{bad",
    status: 400,
    code: "MALFORMED_JSON",
  },
  {
    name: "empty body",
    method: "POST",
    path: "/api/v1/orders",
    body: "",
    headers: { "content-type": "application/json" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "array body",
    method: "POST",
    path: "/api/v1/orders",
    body: [],
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body/,
  },
  {
    name: "form body",
    method: "POST",
    path: "/api/v1/orders",
    body: "a=1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "oversized body",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, symbol: huge },
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "missing symbol",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, symbol: undefined },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.symbol: is required/,
  },
  {
    name: "missing quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: undefined },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.quantity/,
  },
  {
    name: "numeric price",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, price: 180 },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.price/,
  },
  {
    name: "negative price",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, price: "-1" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.price/,
  },
  {
    name: "zero price",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, price: "0" },
    status: 400,
    code: "INVALID_PRICE",
  },
  {
    name: "price off tick",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, price: "180.001" },
    status: 400,
    code: "PRICE_OFF_TICK",
    message: /0\.01/,
  },
  {
    name: "fractional quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: "1.5" },
    status: 400,
    code: "QUANTITY_OFF_LOT",
  },
  {
    name: "zero quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: "0" },
    status: 400,
    code: "INVALID_QUANTITY",
  },
  {
    name: "huge quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: big },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /too long/,
  },
  {
    name: "out-of-range quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: "99999999999999999999" },
    status: 400,
    code: "INVALID_QUANTITY",
  },
  {
    name: "exponent quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: "1e3" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "bad side",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, side: "HOLD" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.side/,
  },
  {
    name: "lower-case type",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, type: "limit" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /body\.type/,
  },
  {
    name: "bad time in force",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, timeInForce: "DAY" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "postOnly as string",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, postOnly: "yes" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /postOnly/,
  },
  {
    name: "unknown field",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, leverage: 100 },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /leverage/,
  },
  {
    name: "unknown symbol",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, symbol: "NOPE" },
    status: 400,
    code: "UNKNOWN_SYMBOL",
  },
  {
    name: "lower-case symbol",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, symbol: "aapl" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "limit without price",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, price: undefined },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /price is required/,
  },
  {
    name: "market with price",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, type: "MARKET" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /MARKET/,
  },
  {
    name: "market GTC",
    method: "POST",
    path: "/api/v1/orders",
    body: { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1", timeInForce: "GTC" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "market post-only",
    method: "POST",
    path: "/api/v1/orders",
    body: { symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "1", postOnly: true },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "bad clientOrderId",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, clientOrderId: "has space" },
    status: 400,
    code: "VALIDATION_ERROR",
    message: /clientOrderId/,
  },
  {
    name: "long clientOrderId",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, clientOrderId: "x".repeat(65) },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "over max order quantity",
    method: "POST",
    path: "/api/v1/orders",
    body: { ...order, quantity: "6000" },
    status: 422,
    code: "RISK_MAX_ORDER_QUANTITY",
  },
  // --- GET /api/v1/orders
  {
    name: "list: limit 0",
    method: "GET",
    path: "/api/v1/orders?limit=0",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /limit/,
  },
  {
    name: "list: limit too big",
    method: "GET",
    path: "/api/v1/orders?limit=501",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "list: limit not a number",
    method: "GET",
    path: "/api/v1/orders?limit=ten",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "list: bad status",
    method: "GET",
    path: "/api/v1/orders?status=OPEN",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /status/,
  },
  {
    name: "list: repeated status",
    method: "GET",
    path: "/api/v1/orders?status=NEW&status=FILLED",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "list: bad date",
    method: "GET",
    path: "/api/v1/orders?from=yesterday",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /from/,
  },
  {
    name: "list: from after to",
    method: "GET",
    path: "/api/v1/orders?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "list: bad cursor chars",
    method: "GET",
    path: "/api/v1/orders?cursor=***",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "list: forged cursor",
    method: "GET",
    path: "/api/v1/orders?cursor=AAAA",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /cursor/,
  },
  {
    name: "list: unknown parameter",
    method: "GET",
    path: "/api/v1/orders?foo=1",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /foo/,
  },
  // --- /api/v1/orders/:id
  {
    name: "get: non-numeric id",
    method: "GET",
    path: "/api/v1/orders/abc",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /id/,
  },
  {
    name: "get: 20-digit id",
    method: "GET",
    path: "/api/v1/orders/12345678901234567890",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "get: id beyond int64",
    method: "GET",
    path: "/api/v1/orders/9999999999999999999",
    status: 404,
    code: "NOT_FOUND",
  },
  { name: "get: unknown id", method: "GET", path: "/api/v1/orders/1", status: 404, code: "NOT_FOUND" },
  {
    name: "cancel: non-numeric id",
    method: "DELETE",
    path: "/api/v1/orders/-1",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  { name: "cancel: unknown id", method: "DELETE", path: "/api/v1/orders/42", status: 404, code: "NOT_FOUND" },
  {
    name: "modify: empty body",
    method: "PATCH",
    path: "/api/v1/orders/42",
    body: {},
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "modify: numeric quantity",
    method: "PATCH",
    path: "/api/v1/orders/42",
    body: { quantity: 5 },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "modify: unknown field",
    method: "PATCH",
    path: "/api/v1/orders/42",
    body: { side: "SELL" },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "modify: unknown id",
    method: "PATCH",
    path: "/api/v1/orders/42",
    body: { quantity: "5" },
    status: 404,
    code: "NOT_FOUND",
  },
  // --- fills
  {
    name: "fills: bad orderId",
    method: "GET",
    path: "/api/v1/fills?orderId=x",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "fills: bad symbol",
    method: "GET",
    path: "/api/v1/fills?symbol=a%20b",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "fills: negative limit",
    method: "GET",
    path: "/api/v1/fills?limit=-5",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  // --- auth
  {
    name: "login: missing password",
    method: "POST",
    path: "/api/v1/auth/login",
    body: { username: "x" },
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /password: is required/,
  },
  {
    name: "login: wrong types",
    method: "POST",
    path: "/api/v1/auth/login",
    body: { username: 1, password: true },
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "login: oversized password",
    method: "POST",
    path: "/api/v1/auth/login",
    body: { username: "x", password: "p".repeat(300) },
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "login: unknown user",
    method: "POST",
    path: "/api/v1/auth/login",
    body: { username: "ghost", password: "whatever" },
    as: "anon",
    status: 401,
    code: "INVALID_CREDENTIALS",
  },
  {
    name: "bad API key",
    method: "GET",
    path: "/api/v1/portfolio",
    as: "anon",
    headers: { "x-api-key": "hft_not-a-real-key" },
    status: 401,
    code: "UNAUTHORIZED",
  },
  {
    name: "oversized API key",
    method: "GET",
    path: "/api/v1/portfolio",
    as: "anon",
    headers: { "x-api-key": "k".repeat(1000) },
    status: 401,
    code: "UNAUTHORIZED",
  },
  {
    name: "garbage bearer",
    method: "GET",
    path: "/api/v1/portfolio",
    as: "anon",
    headers: { authorization: "Bearer abc.def" },
    status: 401,
    code: "UNAUTHORIZED",
  },
  {
    name: "basic auth",
    method: "GET",
    path: "/api/v1/portfolio",
    as: "anon",
    headers: { authorization: "Basic dTpw" },
    status: 401,
    code: "UNAUTHORIZED",
  },
  {
    name: "api-keys: long label",
    method: "POST",
    path: "/api/v1/auth/api-keys",
    body: { label: "l".repeat(65) },
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "revoke: bad key id",
    method: "DELETE",
    path: "/api/v1/auth/api-keys/x1",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "revoke: unknown key",
    method: "DELETE",
    path: "/api/v1/auth/api-keys/999999",
    status: 404,
    code: "NOT_FOUND",
  },
  // --- market data
  {
    name: "book: unknown symbol",
    method: "GET",
    path: "/api/v1/market/NOPE/book",
    as: "anon",
    status: 404,
    code: "UNKNOWN_SYMBOL",
  },
  {
    name: "book: depth 0",
    method: "GET",
    path: "/api/v1/market/AAPL/book?depth=0",
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "book: depth text",
    method: "GET",
    path: "/api/v1/market/AAPL/book?depth=deep",
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "trades: limit 1001",
    method: "GET",
    path: "/api/v1/market/AAPL/trades?limit=1001",
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "candles: bad interval",
    method: "GET",
    path: "/api/v1/market/AAPL/candles?interval=2m",
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /interval/,
  },
  {
    name: "candles: oversized symbol",
    method: "GET",
    path: `/api/v1/market/${"A".repeat(100)}/candles`,
    as: "anon",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  // --- admin
  {
    name: "admin route as user",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: limits,
    status: 403,
    code: "FORBIDDEN",
  },
  {
    name: "admin: bad user id",
    method: "PUT",
    path: "/api/v1/admin/users/abc/risk-limits",
    body: limits,
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "admin: missing field",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: { ...limits, maxOrderQuantity: undefined },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /maxOrderQuantity/,
  },
  {
    name: "admin: collar 0",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: { ...limits, priceCollarBps: 0 },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "admin: fractional rate",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: { ...limits, ordersPerSecond: 1.5 },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "admin: notional 3 decimals",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: { ...limits, maxOrderNotional: "1.001" },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /maxOrderNotional/,
  },
  {
    name: "admin: quantity too precise",
    method: "PUT",
    path: "/api/v1/admin/users/1/risk-limits",
    body: { ...limits, maxPositionQuantity: "1.123456789" },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "admin: unknown user",
    method: "GET",
    path: "/api/v1/admin/users/987654/risk-limits",
    as: "admin",
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "admin: short password",
    method: "POST",
    path: "/api/v1/admin/users",
    body: { username: "newbie", password: "short" },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
    message: /password/,
  },
  {
    name: "admin: bad cash",
    method: "POST",
    path: "/api/v1/admin/users",
    body: { username: "newbie", password: "long-enough", cash: "-5" },
    as: "admin",
    status: 400,
    code: "VALIDATION_ERROR",
  },
  {
    name: "admin: taken username",
    method: "POST",
    path: "/api/v1/admin/users",
    body: { username: "trader", password: "long-enough" },
    as: "admin",
    status: 409,
    code: "USERNAME_TAKEN",
  },
  // --- unknown routes
  { name: "unknown route", method: "GET", path: "/api/v1/nothing-here", status: 404, code: "NOT_FOUND" },
  {
    name: "unsupported method",
    method: "PUT",
    path: "/api/v1/orders",
    body: order,
    status: 404,
    code: "NOT_FOUND",
  },
];

describe("bad input never reaches a 500", () => {
  it.each(cases)("$method $path ($name) -> $status $code", async (c) => {
    const key = c.as === "anon" ? undefined : c.as === "admin" ? admin.apiKey : user.apiKey;
    const api = client(stack.url, key);
    const r = await api<Err>(c.method, c.path, c.body, c.headers);
    expect(r.status, JSON.stringify(r.body)).toBe(c.status);
    expect(r.body.error.code).toBe(c.code);
    expect(typeof r.body.error.message).toBe("string");
    expect(r.body.error.message.length).toBeGreaterThan(5);
    if (c.message) expect(r.body.error.message).toMatch(c.message);
  });

  it("an admin can create a user whose key works and who starts with the given cash", async () => {
    const api = client(stack.url, admin.apiKey);
    const r = await api<{ user: { username: string }; apiKey: string }>("POST", "/api/v1/admin/users", {
      username: "fresh",
      password: "long-enough",
      cash: "2500.50",
    });
    expect(r.status).toBe(201);
    const p = await client(stack.url, r.body.apiKey)<{ cash: string }>("GET", "/api/v1/portfolio");
    expect(p.body.cash).toBe("2500.50");
  });
});
