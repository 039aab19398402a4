// Resolves the caller from `X-API-Key` or `Authorization: Bearer`. API-key lookups are cached briefly
// (hash -> user) so the hot order path does not hit the database for every request.
import { timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../db/client.js";
import { ApiError } from "../errors.js";
import { API_KEY_PREFIX_LENGTH, sha256, verifyToken } from "./crypto.js";

export interface Principal {
  userId: bigint;
  role: "USER" | "ADMIN";
}

const CACHE_TTL_MS = 30_000;

export class Authenticator {
  private readonly keyCache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secret: string,
  ) {}

  /** Synchronous when the key is cached (or a token is sent); throws ApiError 401 when refused. */
  fromHeaders(headers: Record<string, string | string[] | undefined>): Principal | Promise<Principal> {
    const apiKey = headers["x-api-key"];
    const authz = headers.authorization;
    if (typeof apiKey === "string" && apiKey !== "") return this.fromApiKey(apiKey);
    if (typeof authz === "string" && authz !== "") {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      if (!m) throw new ApiError(401, "UNAUTHORIZED", "Authorization header must be 'Bearer <token>'");
      return this.fromToken(m[1]);
    }
    throw new ApiError(
      401,
      "UNAUTHORIZED",
      "missing credentials: send X-API-Key or Authorization: Bearer <token>",
    );
  }

  fromToken(token: string): Principal {
    const claims = verifyToken(token, this.secret);
    if (!claims) throw new ApiError(401, "UNAUTHORIZED", "invalid or expired token");
    return { userId: BigInt(claims.sub), role: claims.role };
  }

  fromApiKey(key: string): Principal | Promise<Principal> {
    if (key.length > 256 || key.length < API_KEY_PREFIX_LENGTH) {
      throw new ApiError(401, "UNAUTHORIZED", "invalid API key");
    }
    const hash = sha256(key);
    const cached = this.keyCache.get(hash);
    if (cached && cached.until > Date.now()) return this.accept(cached.principal);
    return this.lookup(key, hash);
  }

  private accept(principal: Principal | null): Principal {
    if (!principal) throw new ApiError(401, "UNAUTHORIZED", "invalid API key");
    return principal;
  }

  private async lookup(key: string, hash: string): Promise<Principal> {
    const now = Date.now();
    const rows = await this.prisma.apiKey.findMany({
      where: { prefix: key.slice(0, API_KEY_PREFIX_LENGTH), revokedAt: null },
      include: { user: { select: { role: true } } },
    });
    const want = Buffer.from(hash, "hex");
    const row = rows.find((r) => {
      const got = Buffer.from(r.keyHash, "hex");
      return got.length === want.length && timingSafeEqual(got, want);
    });
    const principal = row ? { userId: row.userId, role: row.user.role } : null;
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(hash, { principal, until: now + CACHE_TTL_MS });
    return this.accept(principal);
  }

  /** Called after invalidate(): gateway threads keep API-key caches of their own (gateway/host.ts). */
  onInvalidate: () => void = () => undefined;

  invalidate(): void {
    this.keyCache.clear();
    this.onInvalidate();
  }
}
