"use client";
// One live connection per tab (Server-Sent Events from /api/stream, bridged from the backend WebSocket).
// Components subscribe to message types; the set of market-data symbols is the union of what is mounted.
import type { StreamServerMessage } from "@hft/shared/api";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";

export type LiveMessage = StreamServerMessage | { type: "disconnected" };
type Listener = (msg: LiveMessage) => void;
export type LiveState = "connecting" | "live" | "reconnecting";

interface LiveContextValue {
  state: LiveState;
  subscribe: (listener: Listener) => () => void;
  watchSymbol: (symbol: string) => () => void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const symbolCounts = useRef(new Map<string, number>());
  const [symbolsKey, setSymbolsKey] = useState("");
  const [state, setState] = useState<LiveState>("connecting");

  const recomputeSymbols = useCallback(() => {
    const key = [...symbolCounts.current.entries()]
      .filter(([, n]) => n > 0)
      .map(([s]) => s)
      .sort()
      .join(",");
    setSymbolsKey(key);
  }, []);

  useEffect(() => {
    const es = new EventSource(`/api/stream?symbols=${encodeURIComponent(symbolsKey)}`);
    setState("connecting");
    es.onopen = () => setState("live");
    es.onerror = () => setState("reconnecting");
    es.onmessage = (ev: MessageEvent<string>) => {
      let msg: LiveMessage;
      try {
        msg = JSON.parse(ev.data) as LiveMessage;
      } catch {
        return;
      }
      if (msg.type === "disconnected") setState("reconnecting");
      else if (msg.type === "welcome") setState("live");
      for (const l of listeners.current) l(msg);
    };
    return () => es.close();
  }, [symbolsKey]);

  const value = useMemo<LiveContextValue>(
    () => ({
      state,
      subscribe(listener) {
        listeners.current.add(listener);
        return () => {
          listeners.current.delete(listener);
        };
      },
      watchSymbol(symbol) {
        symbolCounts.current.set(symbol, (symbolCounts.current.get(symbol) ?? 0) + 1);
        recomputeSymbols();
        return () => {
          symbolCounts.current.set(symbol, (symbolCounts.current.get(symbol) ?? 1) - 1);
          recomputeSymbols();
        };
      },
    }),
    [state, recomputeSymbols],
  );

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error("useLive outside LiveProvider");
  return ctx;
}

/** Call `onMessage` for every live message (latest callback used; no resubscribe churn). */
export function useLiveMessages(onMessage: Listener, symbol?: string): LiveState {
  const { subscribe, watchSymbol, state } = useLive();
  const ref = useRef(onMessage);
  ref.current = onMessage;
  useEffect(() => subscribe((m) => ref.current(m)), [subscribe]);
  useEffect(() => (symbol ? watchSymbol(symbol) : undefined), [symbol, watchSymbol]);
  return state;
}
