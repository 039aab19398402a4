// Sign in / sign out. The backend credential (bearer token or API key) is kept in an httpOnly, SameSite=Strict
// cookie so page scripts never see it; the /api/v1 proxy and the stream bridge attach it server side.
import type { LoginResponse, User } from "@hft/shared/api";
import { type NextRequest, NextResponse } from "next/server";
import {
  authHeaders,
  backendUrl,
  type Credential,
  currentCredential,
  encodeCredential,
  errorResponse,
  SESSION_COOKIE,
} from "@/lib/server/backend";

export const dynamic = "force-dynamic";

interface SessionBody {
  username?: unknown;
  password?: unknown;
  apiKey?: unknown;
}

function cookieOptions(req: NextRequest, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    sameSite: "strict" as const,
    // Secure only when served over https: plain-http localhost would otherwise drop the cookie.
    secure: req.nextUrl.protocol === "https:",
    path: "/",
    maxAge: maxAgeSeconds,
  };
}

async function backendJson(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${backendUrl()}${path}`, {
    ...init,
    cache: "no-store",
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: { code: "BAD_BACKEND_RESPONSE", message: text.slice(0, 200) } };
  }
  return { status: res.status, body };
}

/** Who is signed in (GET /api/v1/auth/me through the stored credential). */
export async function GET(): Promise<Response> {
  const cred = await currentCredential();
  if (!cred) return errorResponse(401, "UNAUTHORIZED", "not signed in");
  try {
    const r = await backendJson("/api/v1/auth/me", { headers: authHeaders(cred) });
    return Response.json(r.body, { status: r.status });
  } catch (e) {
    return errorResponse(502, "BACKEND_UNAVAILABLE", e instanceof Error ? e.message : String(e));
  }
}

export async function POST(req: NextRequest): Promise<Response> {
  let input: SessionBody;
  try {
    input = (await req.json()) as SessionBody;
  } catch {
    return errorResponse(400, "VALIDATION_ERROR", "body must be JSON");
  }
  let cred: Credential;
  let user: User | null = null;
  let maxAge = 12 * 3600;
  try {
    if (typeof input.apiKey === "string" && input.apiKey.trim() !== "") {
      cred = { kind: "apiKey", secret: input.apiKey.trim() };
      const r = await backendJson("/api/v1/auth/me", { headers: authHeaders(cred) });
      if (r.status !== 200) return Response.json(r.body, { status: r.status });
      user = (r.body as { user?: User }).user ?? (r.body as User);
    } else {
      if (typeof input.username !== "string" || typeof input.password !== "string") {
        return errorResponse(400, "VALIDATION_ERROR", "username and password are required");
      }
      const r = await backendJson("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: input.username, password: input.password }),
      });
      if (r.status !== 200) return Response.json(r.body, { status: r.status });
      const login = r.body as LoginResponse;
      cred = { kind: "token", secret: login.token };
      user = login.user;
      const expires = Date.parse(login.expiresAt);
      if (Number.isFinite(expires)) maxAge = Math.max(60, Math.floor((expires - Date.now()) / 1000));
    }
  } catch (e) {
    return errorResponse(
      502,
      "BACKEND_UNAVAILABLE",
      `backend not reachable: ${e instanceof Error ? e.message : e}`,
    );
  }
  const res = NextResponse.json({ user });
  res.cookies.set(SESSION_COOKIE, encodeCredential(cred), cookieOptions(req, maxAge));
  return res;
}

export async function DELETE(req: NextRequest): Promise<Response> {
  const res = new NextResponse(null, { status: 204 });
  res.cookies.set(SESSION_COOKIE, "", cookieOptions(req, 0));
  return res;
}
