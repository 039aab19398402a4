import { z } from "zod";
import { Timestamp } from "./common.js";

export const ComponentStatus = z.enum(["ok", "down", "degraded"]);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

export const HealthCheck = z.object({
  status: ComponentStatus,
  latencyMs: z.number().nullable(),
  message: z.string().optional(),
});

/** GET /health (503 when a dependency is down). */
export const HealthResponse = z.object({
  status: ComponentStatus,
  checks: z.object({ engine: HealthCheck, database: HealthCheck, feed: HealthCheck }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /api/v1/system/status — for the web's status page (public, no secrets). */
export const SystemStatusResponse = z.object({
  status: ComponentStatus,
  version: z.string(),
  uptimeSeconds: z.number(),
  time: Timestamp,
  engine: z.object({
    status: ComponentStatus,
    address: z.string(),
    latencyMs: z.number().nullable(),
    version: z.string().nullable(),
    uptimeSeconds: z.number().nullable(),
    openOrders: z.number().nullable(),
    ordersReceived: z.number().nullable(),
    trades: z.number().nullable(),
    streamConnected: z.boolean(),
  }),
  database: z.object({ status: ComponentStatus, latencyMs: z.number().nullable() }),
  feed: z.object({
    status: ComponentStatus,
    source: z.string(),
    lastUpdate: Timestamp.nullable(),
    symbols: z.number().int(),
  }),
  persistence: z.object({
    mode: z.enum(["group", "naive"]),
    queueDepth: z.number().int(),
    lastBatchSize: z.number().int(),
    lastFlushMs: z.number().nullable(),
  }),
  orderAckLatencyMs: z.object({
    p50: z.number().nullable(),
    p99: z.number().nullable(),
    count: z.number().int(),
  }),
});
export type SystemStatusResponse = z.infer<typeof SystemStatusResponse>;
