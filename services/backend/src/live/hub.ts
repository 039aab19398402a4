// WebSocket fan-out: each connection gets its user's order/fill updates once authenticated, and market data
// (book top, trades, feed prices) for the symbols it subscribed to.
import type { Fill, Order, StreamServerMessage } from "@hft/shared/api";
import type { WebSocket } from "ws";
import type { Metrics } from "../metrics/index.js";
import type { Publisher } from "../state/core.js";

export interface Conn {
  ws: WebSocket;
  userId: bigint | null;
  symbols: Set<string>;
}

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class LiveHub implements Publisher {
  private readonly conns = new Set<Conn>();

  /** current state of a symbol (book top, latest price) sent right after a subscribe */
  snapshotOf: (symbol: string) => StreamServerMessage[] = () => [];

  constructor(private readonly metrics: Metrics) {}

  snapshot(c: Conn, symbol: string): void {
    for (const m of this.snapshotOf(symbol)) this.send(c, m);
  }

  add(ws: WebSocket): Conn {
    const c: Conn = { ws, userId: null, symbols: new Set() };
    this.conns.add(c);
    this.metrics.wsClients.set(this.conns.size);
    ws.on("close", () => {
      this.conns.delete(c);
      this.metrics.wsClients.set(this.conns.size);
    });
    return c;
  }

  send(c: Conn, msg: StreamServerMessage): void {
    // A slow consumer is dropped rather than allowed to grow the process's memory.
    if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      c.ws.close(1013, "too slow");
      return;
    }
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(msg));
  }

  wants(userId: bigint): boolean {
    for (const c of this.conns) if (c.userId === userId) return true;
    return false;
  }

  order(userId: bigint, order: Order): void {
    for (const c of this.conns) if (c.userId === userId) this.send(c, { type: "order", order });
  }

  fill(userId: bigint, fill: Fill): void {
    for (const c of this.conns) if (c.userId === userId) this.send(c, { type: "fill", fill });
  }

  /** Whether any connection subscribed to the symbol: callers skip building messages nobody receives. */
  wantsMarket(symbol: string): boolean {
    for (const c of this.conns) if (c.symbols.has(symbol)) return true;
    return false;
  }

  market(symbol: string, msg: StreamServerMessage): void {
    for (const c of this.conns) if (c.symbols.has(symbol)) this.send(c, msg);
  }

  get size(): number {
    return this.conns.size;
  }
}
