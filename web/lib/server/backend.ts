// Server-only access to the backend. BACKEND_URL is read per request so one build runs anywhere.
import { cookies } from "next/headers";

export const SESSION_COOKIE = "hft_session";

export function backendUrl(): string {
  return (process.env.BACKEND_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

/** The stored credential: a bearer token from /auth/login or an API key the user pasted. */
export interface Credential {
  kind: "token" | "apiKey";
  secret: string;
}

export function encodeCredential(c: Credential): string {
  return `${c.kind === "token" ? "t" : "k"}.${c.secret}`;
}

export function decodeCredential(value: string | undefined): Credential | null {
  if (!value || value.length < 3) return null;
  const kind = value.startsWith("t.") ? "token" : value.startsWith("k.") ? "apiKey" : null;
  if (!kind) return null;
  return { kind, secret: value.slice(2) };
}

export async function currentCredential(): Promise<Credential | null> {
  const jar = await cookies();
  return decodeCredential(jar.get(SESSION_COOKIE)?.value);
}

export function authHeaders(c: Credential | null): Record<string, string> {
  if (!c) return {};
  return c.kind === "token" ? { authorization: `Bearer ${c.secret}` } : { "x-api-key": c.secret };
}

/** JSON error in the backend's shape, for failures that happen in the web tier itself. */
export function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
