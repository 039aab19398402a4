// Browser-side API client. Calls go to this origin's /api/v1 proxy (app/api/v1/[...path]); the proxy adds the
// credential. Every backend path the web uses is listed here, in one place.
import type {
  BookResponse,
  CandleInterval,
  CandlesResponse,
  ListFillsResponse,
  ListOrdersResponse,
  ModifyOrderRequest,
  OrderResponse,
  PlaceOrderRequest,
  PortfolioResponse,
  RiskLimitsResponse,
  SymbolsResponse,
  SystemStatusResponse,
  TradesResponse,
  User,
} from "@hft/shared/api";

/** An API failure with the backend's machine-readable code and message, shown verbatim to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, "NETWORK_ERROR", e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "BAD_RESPONSE", text.slice(0, 200) || res.statusText);
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? res.statusText,
      err?.details,
    );
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  session: () => request<{ user: User } | User>("GET", "/api/session"),
  signIn: (body: { username: string; password: string } | { apiKey: string }) =>
    request<{ user: User | null }>("POST", "/api/session", body),
  signOut: () => request<void>("DELETE", "/api/session"),

  symbols: () => request<SymbolsResponse>("GET", "/api/v1/symbols"),
  book: (symbol: string, depth = 15) =>
    request<BookResponse>("GET", `/api/v1/market/${enc(symbol)}/book?depth=${depth}`),
  trades: (symbol: string, limit = 50) =>
    request<TradesResponse>("GET", `/api/v1/market/${enc(symbol)}/trades?limit=${limit}`),
  candles: (symbol: string, interval: CandleInterval, limit = 200) =>
    request<CandlesResponse>(
      "GET",
      `/api/v1/market/${enc(symbol)}/candles?interval=${interval}&limit=${limit}`,
    ),

  placeOrder: (body: PlaceOrderRequest) => request<OrderResponse>("POST", "/api/v1/orders", body),
  cancelOrder: (id: string) => request<OrderResponse>("DELETE", `/api/v1/orders/${enc(id)}`),
  modifyOrder: (id: string, body: ModifyOrderRequest) =>
    request<OrderResponse>("PATCH", `/api/v1/orders/${enc(id)}`, body),
  openOrders: (symbol?: string) =>
    request<ListOrdersResponse>(
      "GET",
      `/api/v1/orders?open=true&limit=200${symbol ? `&symbol=${enc(symbol)}` : ""}`,
    ),
  orderHistory: (limit = 100) => request<ListOrdersResponse>("GET", `/api/v1/orders?limit=${limit}`),
  fills: (limit = 100) => request<ListFillsResponse>("GET", `/api/v1/fills?limit=${limit}`),

  portfolio: () => request<PortfolioResponse>("GET", "/api/v1/portfolio"),
  riskLimits: () => request<RiskLimitsResponse>("GET", "/api/v1/risk/limits"),
  systemStatus: () => request<SystemStatusResponse>("GET", "/api/v1/system/status"),
};
