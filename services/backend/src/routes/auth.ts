// POST /api/v1/auth/login (username+password -> bearer token), GET /api/v1/auth/me, POST /api/v1/auth/api-keys.
import {
  ApiKeyInfo,
  CreateApiKeyRequest,
  CreateApiKeyResponse,
  LoginRequest,
  LoginResponse,
  MeResponse,
} from "@hft/shared/api";
import { z } from "zod";
import { authenticated } from "../app.js";
import { newApiKey, signToken, verifyPassword } from "../auth/crypto.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../errors.js";
import { type App, principalOf, responses } from "../http/types.js";

export function userView(u: { id: bigint; username: string; role: "USER" | "ADMIN"; createdAt: Date }) {
  return { id: u.id.toString(), username: u.username, role: u.role, createdAt: u.createdAt.toISOString() };
}

export function registerAuthRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/v1/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Log in with username and password; returns a bearer token",
        security: [],
        body: LoginRequest,
        response: responses({ 200: LoginResponse }),
      },
    },
    async (req) => {
      const user = await ctx.prisma.user.findUnique({ where: { username: req.body.username } });
      // Same answer for an unknown user and a wrong password: no user enumeration.
      const ok = user !== null && (await verifyPassword(req.body.password, user.passwordHash));
      if (!user || !ok) throw new ApiError(401, "INVALID_CREDENTIALS", "wrong username or password");
      const exp = Math.floor(Date.now() / 1000) + ctx.config.TOKEN_TTL_SECONDS;
      const token = signToken({ sub: user.id.toString(), role: user.role, exp }, ctx.authSecret);
      return {
        token,
        tokenType: "Bearer" as const,
        expiresAt: new Date(exp * 1000).toISOString(),
        user: userView(user),
      };
    },
  );

  authenticated(app, ctx, (scope) => {
    scope.get(
      "/api/v1/auth/me",
      {
        schema: {
          tags: ["auth"],
          summary: "The authenticated user",
          response: responses({ 200: MeResponse }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const user = await ctx.prisma.user.findUnique({ where: { id: p.userId } });
        if (!user) throw new ApiError(401, "UNAUTHORIZED", "the user of this credential no longer exists");
        return { user: userView(user) };
      },
    );

    scope.post(
      "/api/v1/auth/api-keys",
      {
        schema: {
          tags: ["auth"],
          summary: "Create an API key for the caller (the key is shown once; only its hash is stored)",
          body: CreateApiKeyRequest,
          response: responses({ 201: CreateApiKeyResponse }),
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const key = newApiKey();
        const row = await ctx.prisma.apiKey.create({
          data: { userId: p.userId, prefix: key.prefix, keyHash: key.hash, label: req.body.label ?? null },
        });
        reply.status(201);
        return { ...apiKeyView(row), key: key.key };
      },
    );

    scope.get(
      "/api/v1/auth/api-keys",
      {
        schema: {
          tags: ["auth"],
          summary: "The caller's active API keys (prefix only)",
          response: responses({ 200: z.object({ apiKeys: z.array(ApiKeyInfo) }) }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const rows = await ctx.prisma.apiKey.findMany({
          where: { userId: p.userId, revokedAt: null },
          orderBy: { id: "asc" },
        });
        return { apiKeys: rows.map(apiKeyView) };
      },
    );
  });
}

function apiKeyView(r: { id: bigint; prefix: string; label: string | null; createdAt: Date }) {
  return { id: r.id.toString(), prefix: r.prefix, label: r.label, createdAt: r.createdAt.toISOString() };
}
