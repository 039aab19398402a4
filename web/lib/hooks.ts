"use client";
import type { Fill, Order, SymbolInfo } from "@hft/shared/api";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "./api";
import { useLiveMessages } from "./live";

export interface Loadable<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => void;
}

/** Fetch once (and on reload / every `intervalMs`), keeping the last good value on errors. */
export function useFetch<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  intervalMs?: number,
): Loadable<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's key for the request
  useEffect(() => {
    let cancelled = false;
    const run = () =>
      loadRef.current().then(
        (v) => {
          if (!cancelled) {
            setData(v);
            setError(null);
          }
        },
        (e: unknown) => {
          if (!cancelled) setError(e instanceof ApiError ? e : new ApiError(0, "ERROR", String(e)));
        },
      );
    run();
    const timer = intervalMs ? setInterval(run, intervalMs) : null;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [...deps, tick, intervalMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

let symbolsPromise: Promise<SymbolInfo[]> | null = null;

/** Instruments (tick and lot sizes) — they change rarely, so one request per tab. */
export function useSymbols(): { symbols: SymbolInfo[]; error: ApiError | null } {
  const [symbols, setSymbols] = useState<SymbolInfo[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    symbolsPromise ??= api.symbols().then((r) => r.symbols);
    symbolsPromise.then(setSymbols, (e: unknown) => {
      symbolsPromise = null;
      setError(e instanceof ApiError ? e : new ApiError(0, "ERROR", String(e)));
    });
  }, []);
  return { symbols, error };
}

/**
 * Identity of a fill: the order it belongs to and the engine trade. Not `id`: fills pushed live (or returned by
 * the place call) carry a provisional id until the backend has persisted them.
 */
export function fillKey(f: Pick<Fill, "orderId" | "tradeId">): string {
  return `${f.orderId}:${f.tradeId}`;
}

export const OPEN_STATUSES = new Set(["NEW", "PARTIALLY_FILLED"]);

function upsert(list: Order[], order: Order): Order[] {
  const i = list.findIndex((o) => o.id === order.id);
  if (i === -1) return [order, ...list];
  // ignore stale updates arriving after a newer state
  if (list[i].updatedAt > order.updatedAt) return list;
  const next = list.slice();
  next[i] = order;
  return next;
}

/** The user's orders and fills: loaded once, then kept current from the live stream. */
export function useOrders(): {
  orders: Order[];
  fills: Fill[];
  error: ApiError | null;
  applyOrder: (o: Order) => void;
  reload: () => void;
} {
  const [orders, setOrders] = useState<Order[]>([]);
  const [fills, setFills] = useState<Fill[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick triggers a reload
  useEffect(() => {
    let cancelled = false;
    Promise.all([api.openOrders(), api.orderHistory(200), api.fills(200)]).then(
      ([open, history, f]) => {
        if (cancelled) return;
        // Merge rather than replace: live updates that arrived while this snapshot was in flight may be newer
        // than it (an order placed just after the snapshot was taken would otherwise vanish until the next one).
        setOrders((current) => {
          let merged = history.orders;
          for (const o of open.orders) merged = upsert(merged, o);
          for (const o of current) merged = upsert(merged, o);
          return merged.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
        });
        setFills((current) => {
          const seen = new Set(f.fills.map(fillKey));
          return [...current.filter((x) => !seen.has(fillKey(x))), ...f.fills].slice(0, 500);
        });
        setError(null);
      },
      (e: unknown) => {
        if (!cancelled) setError(e instanceof ApiError ? e : new ApiError(0, "ERROR", String(e)));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [tick]);

  const applyOrder = useCallback((o: Order) => setOrders((list) => upsert(list, o)), []);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useLiveMessages((msg) => {
    if (msg.type === "order") applyOrder(msg.order);
    else if (msg.type === "fill") {
      const f = msg.fill;
      const key = fillKey(f);
      setFills((list) => (list.some((x) => fillKey(x) === key) ? list : [f, ...list].slice(0, 500)));
    } else if (msg.type === "welcome") reload();
  });

  return { orders, fills, error, applyOrder, reload };
}
