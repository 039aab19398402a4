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
import { type App, parseId, principalOf, responses } from "../http/types.js";
import { TokenBucket } from "../risk/rules.js";

export function userView(u: { id: bigint; username: string; role: "USER" | "ADMIN"; createdAt: Date }) {
  return { id: u.id.toString(), username: u.username, role: u.role, createdAt: u.createdAt.toISOString() };
}

/**
 * Failed logins per (client address, username): 10 in a burst, then one per 6 s (bounded map; cleared when
 * full). Keyed by both so users behind one proxy (the web server) do not lock each other out.
 */
class LoginLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  allow(key: string): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= 10_000) this.buckets.clear();
      b = new TokenBucket(1 / 6, 10);
      this.buckets.set(key, b);
    }
    return b.take();
  }
  peek(key: string): boolean {
    const b = this.buckets.get(key);
    return b === undefined || b.available() >= 1;
  }
}

export function registerAuthRoutes(app: App, ctx: AppContext): void {
  const limiter = new LoginLimiter();
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
      const limitKey = `${req.ip}|${req.body.username}`;
      if (!limiter.peek(limitKey)) {
        throw new ApiError(
          429,
          "RATE_LIMITED",
          "too many failed logins for this user from this address, try again later",
        );
      }
      const user = await ctx.prisma.user.findUnique({ where: { username: req.body.username } });
      // Same answer for an unknown user and a wrong password: no user enumeration.
      const ok = user !== null && (await verifyPassword(req.body.password, user.passwordHash));
      if (!user || !ok) {
        limiter.allow(limitKey); // only failures spend tokens
        throw new ApiError(401, "INVALID_CREDENTIALS", "wrong username or password");
      }
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

  authenticated(app, ctx.auth, (scope) => {
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

    scope.delete(
      "/api/v1/auth/api-keys/:keyId",
      {
        schema: {
          tags: ["auth"],
          summary: "Revoke one of the caller's API keys (effective immediately)",
          params: z.object({ keyId: z.string().regex(/^\d{1,19}$/, "keyId must be a decimal integer") }),
          response: responses({ 200: ApiKeyInfo.extend({ revokedAt: z.string() }) }),
        },
      },
      async (req) => {
        const p = principalOf(req);
        const id = parseId(req.params.keyId, "API key");
        const row = await ctx.prisma.apiKey.findFirst({ where: { id, userId: p.userId, revokedAt: null } });
        if (!row) throw new ApiError(404, "NOT_FOUND", "API key not found");
        const revoked = await ctx.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
        ctx.auth.invalidate();
        return { ...apiKeyView(revoked), revokedAt: (revoked.revokedAt ?? new Date()).toISOString() };
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
