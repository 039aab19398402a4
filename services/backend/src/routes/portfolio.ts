// Positions, portfolio valuation and the caller's own risk limits.
import { PortfolioResponse, PositionsResponse, RiskLimitsResponse } from "@hft/shared/api";
import { authenticated } from "../app.js";
import type { AppContext } from "../context.js";
import { type App, principalOf, responses } from "../http/types.js";
import { portfolioView, positionView, visiblePositions } from "../portfolio/view.js";
import { limitsView } from "../risk/limits.js";

/** Mark price of a symbol in ticks: the feed's latest, else the last trade, else the engine's reference. */
export function markTicks(ctx: AppContext, symbol: string): number | null {
  return (
    ctx.feed.price(symbol) ??
    ctx.market.lastTradePrice(symbol) ??
    ctx.symbols.get(symbol)?.referencePrice ??
    null
  );
}

export function registerPortfolioRoutes(app: App, ctx: AppContext): void {
  authenticated(app, ctx.auth, (scope) => {
    scope.get(
      "/api/v1/positions",
      {
        schema: {
          tags: ["portfolio"],
          summary: "The caller's positions",
          response: responses({ 200: PositionsResponse }),
        },
      },
      async (req) => {
        const u = await ctx.core.user(principalOf(req).userId);
        return { positions: visiblePositions(u).map(([s, p]) => positionView(s, p, ctx.symbols)) };
      },
    );

    scope.get(
      "/api/v1/portfolio",
      {
        schema: {
          tags: ["portfolio"],
          summary: "Cash, positions marked to the current feed price, P&L and breakdown by symbol",
          response: responses({ 200: PortfolioResponse }),
        },
      },
      async (req) => {
        const u = await ctx.core.user(principalOf(req).userId);
        return portfolioView(u, ctx.symbols, (s) => markTicks(ctx, s));
      },
    );

    scope.get(
      "/api/v1/risk/limits",
      {
        schema: {
          tags: ["risk"],
          summary: "The caller's risk limits (defaults when none were set)",
          response: responses({ 200: RiskLimitsResponse }),
        },
      },
      async (req) => {
        const userId = principalOf(req).userId;
        const row = await ctx.prisma.riskLimits.findUnique({ where: { userId } });
        return limitsView(userId, row);
      },
    );
  });
}
