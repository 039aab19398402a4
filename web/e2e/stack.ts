// What the global setup started (read by every spec), and a small REST client playing "another trader".
import { readFileSync } from "node:fs";
import type { OrderResponse, PlaceOrderRequest, PortfolioResponse, SymbolsResponse } from "@hft/shared/api";
import { fromUnits, fromUnitsFixed, toUnits } from "@hft/shared/units";

export interface SeededUser {
  username: string;
  password: string;
  apiKey?: string;
}

export interface StackState {
  webUrl: string;
  backendUrl: string;
  users: { trader: SeededUser; maker: SeededUser; limited: SeededUser };
}

export function stack(): StackState {
  const file = process.env.E2E_STATE;
  if (!file) throw new Error("E2E_STATE not set: the global setup did not run");
  return JSON.parse(readFileSync(file, "utf8")) as StackState;
}

export interface Reference {
  ticks: number;
  tickSize: string;
  /** ticks -> API decimal string */
  price: (ticks: number) => string;
  /** ticks -> the way the site shows a price (the tick's decimals, e.g. "190.50") */
  shown: (ticks: number) => string;
}

export class RestClient {
  private constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async login(base: string, user: SeededUser): Promise<RestClient> {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    if (res.status !== 200) throw new Error(`login ${user.username}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { token: string };
    return new RestClient(base, body.token);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async place(order: PlaceOrderRequest): Promise<OrderResponse> {
    const r = await this.call<OrderResponse>("POST", "/api/v1/orders", order);
    if (r.status >= 300) throw new Error(`place order: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async portfolio(): Promise<PortfolioResponse> {
    const r = await this.call<PortfolioResponse>("GET", "/api/v1/portfolio");
    if (r.status !== 200) throw new Error(`portfolio: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Signed position quantity in a symbol as a decimal string ("0" when flat). */
  async position(symbol: string): Promise<string> {
    return (await this.portfolio()).positions.find((p) => p.symbol === symbol)?.quantity ?? "0";
  }

  async cancelAll(): Promise<void> {
    const r = await this.call<{ orders: { id: string }[] }>("GET", "/api/v1/orders?open=true&limit=500");
    for (const o of r.body.orders) await this.call("DELETE", `/api/v1/orders/${o.id}`);
  }

  /** Reference price of a symbol, in ticks, and its tick size. */
  async reference(symbol: string): Promise<Reference> {
    const r = await this.call<SymbolsResponse>("GET", "/api/v1/symbols");
    const s = r.body.symbols.find((x) => x.symbol === symbol);
    if (!s) throw new Error(`no symbol ${symbol}`);
    const ref = s.referencePrice ?? s.marketPrice ?? s.lastTradePrice;
    if (!ref) throw new Error(`no reference price for ${symbol}`);
    return {
      ticks: toUnits(ref, s.tickSize),
      tickSize: s.tickSize,
      price: (t) => fromUnits(t, s.tickSize),
      shown: (t) => fromUnitsFixed(t, s.tickSize),
    };
  }
}
