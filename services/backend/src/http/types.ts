// The fastify instance type the routes are written against (zod type provider) and request decorations.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ErrorBody } from "@hft/shared/api";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { Principal } from "../auth/authenticator.js";
import { ApiError } from "../errors.js";

export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    /** set by the auth hook of authenticated routes */
    principal: Principal | null;
    /** hrtime at arrival (order-to-ack latency) */
    t0: bigint;
  }
}

export function principalOf(req: { principal: Principal | null }): Principal {
  // The auth hook runs before every authenticated route; reaching here without one is a wiring bug.
  if (!req.principal) throw new ApiError(401, "UNAUTHORIZED", "authentication required");
  return req.principal;
}

const INT64_MAX = (1n << 63n) - 1n;

/** Decimal id from a validated path/query field -> bigint; ids past int64 are unknown (404), not a DB error. */
export function parseId(text: string, what = "order"): bigint {
  const id = BigInt(text);
  if (id > INT64_MAX) throw new ApiError(404, "NOT_FOUND", `${what} not found`);
  return id;
}

/** Response schemas of a route: its success bodies plus the error shape for every 4xx/5xx (for the OpenAPI doc). */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, "4xx": ErrorBody, "5xx": ErrorBody };
}
