// Orders and fills of the authenticated user. Every query is scoped by the caller's user id: another user's
// order is indistinguishable from a missing one (404).
import {
  ListFillsQuery,
  ListFillsResponse,
  ListOrdersQuery,
  ListOrdersResponse,
  OrderDetailResponse,
  OrderIdParams,
} from "@hft/shared/api";
import { authenticated } from "../app.js";
import type { AppContext } from "../context.js";
import type { Prisma } from "../db/generated/client.js";
import { ApiError } from "../errors.js";
import { afterCursor, decodeCursor, encodeCursor, PAGE_ORDER } from "../http/pagination.js";
import { type App, parseId, principalOf, responses } from "../http/types.js";
import { type EventLike, eventView, fillView, orderView } from "../views.js";
import { registerOrderEntryRoutes } from "./orderEntry.js";

function timeRange(from?: string, to?: string): { gte?: Date; lt?: Date } | undefined {
  if (from === undefined && to === undefined) return undefined;
  const range: { gte?: Date; lt?: Date } = {};
  if (from !== undefined) range.gte = new Date(from);
  if (to !== undefined) range.lt = new Date(to);
  if (range.gte && range.lt && range.gte > range.lt) {
    throw new ApiError(400, "VALIDATION_ERROR", "querystring.from must not be after querystring.to", [
      { field: "querystring.from", message: "must not be after querystring.to" },
    ]);
  }
  return range;
}

export function registerOrderRoutes(app: App, ctx: AppContext): void {
  authenticated(app, ctx.auth, (scope) => {
    registerOrderEntryRoutes(scope, ctx.core);

    scope.get(
      "/api/v1/orders",
      {
        schema: {
          tags: ["orders"],
          summary: "List the caller's orders, newest first, with filters and cursor pagination",
          querystring: ListOrdersQuery,
          response: responses({ 200: ListOrdersResponse }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const q = req.query;
        const cursor = decodeCursor(q.cursor);
        const where: Prisma.OrderWhereInput = { userId: p.userId };
        if (q.status !== undefined) where.status = q.status;
        if (q.open !== undefined) {
          const open = ["NEW", "PARTIALLY_FILLED"] as const;
          if (
            q.status !== undefined &&
            open.includes(q.status as (typeof open)[number]) !== (q.open === "true")
          ) {
            return { orders: [], nextCursor: null };
          }
          if (q.status === undefined)
            where.status = q.open === "true" ? { in: [...open] } : { notIn: [...open] };
        }
        if (q.symbol !== undefined) where.symbol = q.symbol;
        if (q.side !== undefined) where.side = q.side;
        const created = timeRange(q.from, q.to);
        if (created) where.createdAt = created;
        if (cursor !== undefined) where.AND = [afterCursor(cursor)];
        const rows = await ctx.prisma.order.findMany({ where, orderBy: PAGE_ORDER, take: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        return {
          orders: page.map((o) => orderView(ctx.core.withEngineOrderId(o), ctx.symbols)),
          nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
        };
      },
    );

    scope.get(
      "/api/v1/orders/:id",
      {
        schema: {
          tags: ["orders"],
          summary: "One of the caller's orders with its fills and state history",
          params: OrderIdParams,
          response: responses({ 200: OrderDetailResponse }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const id = parseId(req.params.id);
        const order = await ctx.prisma.order.findFirst({
          where: { id, userId: p.userId },
          include: {
            fills: { orderBy: { id: "asc" } },
            // In the engine's order: a report's commit may overtake an earlier one of the same order (the
            // write-ahead row, see state/core.ts placeOrder), so ids alone could not say.
            events: { orderBy: [{ engineSeq: { sort: "asc", nulls: "first" } }, { id: "asc" }] },
          },
        });
        if (!order) throw new ApiError(404, "NOT_FOUND", "order not found");
        return {
          order: orderView(ctx.core.withEngineOrderId(order), ctx.symbols),
          fills: order.fills.map((f) => fillView(f, ctx.symbols)),
          events: [...acceptedEvent(order), ...order.events].map((e) =>
            eventView(e, order.symbol, ctx.symbols),
          ),
        };
      },
    );

    scope.get(
      "/api/v1/fills",
      {
        schema: {
          tags: ["orders"],
          summary: "The caller's fills, newest first, with filters and cursor pagination",
          querystring: ListFillsQuery,
          response: responses({ 200: ListFillsResponse }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const q = req.query;
        const cursor = decodeCursor(q.cursor);
        const where: Prisma.FillWhereInput = { userId: p.userId };
        if (q.symbol !== undefined) where.symbol = q.symbol;
        if (q.orderId !== undefined) where.orderId = parseId(q.orderId);
        const created = timeRange(q.from, q.to);
        if (created) where.createdAt = created;
        if (cursor !== undefined) where.AND = [afterCursor(cursor)];
        const rows = await ctx.prisma.fill.findMany({ where, orderBy: PAGE_ORDER, take: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        return {
          fills: page.map((f) => fillView(f, ctx.symbols)),
          nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
        };
      },
    );
  });
}

/**
 * The first entry of an order's history: its terms as accepted, kept on the order row itself (one row per
 * accepted order instead of an order row plus an event row). Event id 0: it is not an order_events row.
 */
function acceptedEvent(o: {
  originalPrice: bigint | null;
  originalQuantity: bigint | null;
  createdAt: Date;
}): EventLike[] {
  if (o.originalQuantity === null) return []; // accepted before the column existed: see its EXEC_NEW event
  return [
    {
      id: 0n,
      type: "ACCEPTED",
      status: "NEW",
      price: o.originalPrice,
      quantity: o.originalQuantity,
      filledQuantity: 0n,
      leavesQuantity: o.originalQuantity,
      text: null,
      createdAt: o.createdAt,
    },
  ];
}
