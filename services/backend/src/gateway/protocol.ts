// Messages between the main thread (trading state, engine stream, persistence) and the HTTP gateway threads.
// Each direction batches what one event-loop turn produced into one message: a postMessage per order would
// cost more than the order's own work on the main thread.
import type { ModifyOrderRequest, PlaceOrderRequest } from "@hft/shared/api";
import type { ErrorReply } from "../http/errors.js";

export type OrderOp =
  | { op: "place"; userId: bigint; body: PlaceOrderRequest; t0: bigint }
  | { op: "cancel"; userId: bigint; orderId: bigint }
  | { op: "modify"; userId: bigint; orderId: bigint; body: ModifyOrderRequest };

export interface OrderCall {
  id: number;
  call: OrderOp;
}

/** A success carries the HTTP status and the response body, serialized by the main thread. */
export type OrderReply =
  | { id: number; status: number; json: string }
  | { id: number; status: number; error: ErrorReply["error"] };

/** What a gateway thread is started with (worker_threads workerData). */
export interface GatewayData {
  index: number;
  host: string;
  port: number;
  /** the main thread's loopback listener, which serves every route the gateway does not */
  upstream: string;
  authSecret: string;
  databaseUrl: string;
  logLevel: string;
  logFile?: string;
  trustProxy: boolean;
  corsOrigins: string[];
}

export type ToMain =
  | { type: "calls"; calls: OrderCall[] }
  | { type: "listening"; port: number }
  | { type: "stopped" };

export type ToGateway =
  | { type: "replies"; replies: OrderReply[] }
  | { type: "invalidate-auth" }
  | { type: "stop" };
