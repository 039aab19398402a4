// Order entry: place, cancel and modify. Registered against an OrderEntry, which is the trading core itself
// on the main thread, or a channel to it from an HTTP gateway thread (gateway/), so both serve the very same
// routes, schemas and errors.
import { ModifyOrderRequest, OrderIdParams, OrderResponse, PlaceOrderRequest } from "@hft/shared/api";
import type { FastifyReply } from "fastify";
import { type App, parseId, principalOf, responses } from "../http/types.js";
import type { OrderResult } from "../state/core.js";

/**
 * The trading core answers with objects; a gateway thread gets the response body already serialized by the
 * main thread (one JSON.stringify there instead of a structured clone on both sides plus the serializer here).
 */
export type EntryResult = OrderResult | { status: number; json: string };

export interface OrderEntry {
  placeOrder(userId: bigint, req: PlaceOrderRequest, t0: bigint): Promise<EntryResult>;
  cancelOrder(userId: bigint, orderId: bigint): Promise<EntryResult>;
  modifyOrder(userId: bigint, orderId: bigint, body: ModifyOrderRequest): Promise<EntryResult>;
}

/** The OrderResponse body of a result (`duplicate` only when true). */
export function orderResponseBody(r: OrderResult): OrderResponse {
  return r.duplicate
    ? { order: r.order, fills: r.fills, duplicate: true }
    : { order: r.order, fills: r.fills };
}

function send(reply: FastifyReply, r: EntryResult): OrderResponse | FastifyReply {
  reply.status(r.status);
  return "json" in r ? reply.type("application/json; charset=utf-8").send(r.json) : orderResponseBody(r);
}

/** Registers the order-entry routes on an authenticated scope. */
export function registerOrderEntryRoutes(scope: App, entry: OrderEntry): void {
  scope.post(
    "/api/v1/orders",
    {
      schema: {
        tags: ["orders"],
        summary: "Place an order (acknowledged only once it is durable)",
        description:
          "LIMIT needs price; MARKET must not have one and is IOC or FOK. The same clientOrderId twice " +
          "returns the first order with duplicate=true (200) instead of creating another.",
        body: PlaceOrderRequest,
        response: responses({ 201: OrderResponse, 200: OrderResponse }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return send(reply, await entry.placeOrder(p.userId, req.body, req.t0));
    },
  );

  scope.delete(
    "/api/v1/orders/:id",
    {
      schema: {
        tags: ["orders"],
        summary: "Cancel an open order (409 ORDER_NOT_OPEN when it is already final)",
        params: OrderIdParams,
        response: responses({ 200: OrderResponse }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return send(reply, await entry.cancelOrder(p.userId, parseId(req.params.id)));
    },
  );

  scope.patch(
    "/api/v1/orders/:id",
    {
      schema: {
        tags: ["orders"],
        summary: "Modify an open LIMIT order's price and/or total quantity",
        params: OrderIdParams,
        body: ModifyOrderRequest,
        response: responses({ 200: OrderResponse }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return send(reply, await entry.modifyOrder(p.userId, parseId(req.params.id), req.body));
    },
  );
}
