// The gateway thread's side of order entry: an OrderEntry whose calls travel to the main thread.
import type { MessagePort } from "node:worker_threads";
import type { ModifyOrderRequest, PlaceOrderRequest } from "@hft/shared/api";
import { ApiError } from "../errors.js";
import type { EntryResult, OrderEntry } from "../routes/orderEntry.js";
import type { OrderCall, OrderOp, OrderReply, ToMain } from "./protocol.js";

interface Waiter {
  resolve: (r: EntryResult) => void;
  reject: (e: Error) => void;
}

export class OrderChannel implements OrderEntry {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private outbox: OrderCall[] = [];
  private flushScheduled = false;

  constructor(private readonly port: MessagePort) {}

  placeOrder(userId: bigint, body: PlaceOrderRequest, t0: bigint): Promise<EntryResult> {
    return this.call({ op: "place", userId, body, t0 });
  }

  cancelOrder(userId: bigint, orderId: bigint): Promise<EntryResult> {
    return this.call({ op: "cancel", userId, orderId });
  }

  modifyOrder(userId: bigint, orderId: bigint, body: ModifyOrderRequest): Promise<EntryResult> {
    return this.call({ op: "modify", userId, orderId, body });
  }

  /** Replies from the main thread: errors come back as the same ApiError the main thread threw. */
  deliver(replies: OrderReply[]): void {
    for (const r of replies) {
      const w = this.waiting.get(r.id);
      if (!w) continue;
      this.waiting.delete(r.id);
      if ("json" in r) w.resolve({ status: r.status, json: r.json });
      else w.reject(new ApiError(r.status, r.error.code, r.error.message, r.error.details));
    }
  }

  private call(call: OrderOp): Promise<EntryResult> {
    return new Promise<EntryResult>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.outbox.push({ id, call });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After the current turn: every request parsed in it travels in one message.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const calls = this.outbox;
    this.outbox = [];
    this.port.postMessage({ type: "calls", calls } satisfies ToMain);
  }
}
