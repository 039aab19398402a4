// Admin-only routes: users and their risk limits. A non-admin gets 403 FORBIDDEN.
import {
  CreateUserRequest,
  CreateUserResponse,
  PutRiskLimitsRequest,
  RiskLimitsResponse,
  UserIdParams,
} from "@hft/shared/api";
import { authenticated } from "../app.js";
import { hashPassword, newApiKey } from "../auth/crypto.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../errors.js";
import { type App, parseId, principalOf, responses } from "../http/types.js";
import { parseCents } from "../money.js";
import { limitsRow, limitsView } from "../risk/limits.js";
import { userView } from "./auth.js";

function requireAdmin(req: { principal: { role: string } | null }): void {
  const p = principalOf(req as Parameters<typeof principalOf>[0]);
  if (p.role !== "ADMIN") throw new ApiError(403, "FORBIDDEN", "admin role required");
}

export function registerAdminRoutes(app: App, ctx: AppContext): void {
  authenticated(app, ctx.auth, (scope) => {
    scope.addHook("preValidation", async (req) => requireAdmin(req));

    scope.post(
      "/api/v1/admin/users",
      {
        schema: {
          tags: ["admin"],
          summary: "Create a user with an account (starting cash) and a first API key",
          body: CreateUserRequest,
          response: responses({ 201: CreateUserResponse }),
        },
      },
      async (req, reply) => {
        const b = req.body;
        const exists = await ctx.prisma.user.findUnique({ where: { username: b.username } });
        if (exists) throw new ApiError(409, "USERNAME_TAKEN", `username "${b.username}" is taken`);
        const key = newApiKey();
        const user = await ctx.prisma.user.create({
          data: {
            username: b.username,
            passwordHash: await hashPassword(b.password),
            role: b.role,
            account: { create: { cash: parseCents(b.cash ?? ctx.config.DEFAULT_STARTING_CASH) } },
            apiKeys: { create: { prefix: key.prefix, keyHash: key.hash, label: "initial" } },
          },
        });
        reply.status(201);
        return { user: userView(user), apiKey: key.key };
      },
    );

    scope.get(
      "/api/v1/admin/users/:userId/risk-limits",
      {
        schema: {
          tags: ["admin"],
          summary: "A user's risk limits",
          params: UserIdParams,
          response: responses({ 200: RiskLimitsResponse }),
        },
      },
      async (req) => {
        const userId = parseId(req.params.userId, "user");
        const user = await ctx.prisma.user.findUnique({
          where: { id: userId },
          include: { riskLimits: true },
        });
        if (!user) throw new ApiError(404, "NOT_FOUND", "user not found");
        return limitsView(userId, user.riskLimits);
      },
    );

    scope.put(
      "/api/v1/admin/users/:userId/risk-limits",
      {
        schema: {
          tags: ["admin"],
          summary: "Replace a user's risk limits (effective for the next order)",
          params: UserIdParams,
          body: PutRiskLimitsRequest,
          response: responses({ 200: RiskLimitsResponse }),
        },
      },
      async (req) => {
        const userId = parseId(req.params.userId, "user");
        const data = limitsRow(req.body);
        const user = await ctx.prisma.user.findUnique({ where: { id: userId } });
        if (!user) throw new ApiError(404, "NOT_FOUND", "user not found");
        const row = await ctx.prisma.riskLimits.upsert({
          where: { userId },
          create: { userId, ...data },
          update: { ...data, updatedAt: new Date() },
        });
        await ctx.core.reloadLimits(userId);
        return limitsView(userId, row);
      },
    );
  });
}
