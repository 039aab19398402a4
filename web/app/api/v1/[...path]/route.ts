// Same-origin proxy from the browser to the backend's /api/v1 (no CORS, no backend host in the bundle).
// The session cookie is httpOnly: the credential is attached here, server side, never exposed to scripts.
import type { NextRequest } from "next/server";
import { authHeaders, backendUrl, currentCredential, errorResponse } from "@/lib/server/backend";

export const dynamic = "force-dynamic";

const FORWARD_REQUEST_HEADERS = ["content-type", "accept", "idempotency-key"];
const FORWARD_RESPONSE_HEADERS = ["content-type", "retry-after", "x-request-id"];
const TIMEOUT_MS = 15_000;

async function proxy(req: NextRequest, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await ctx.params;
  // Cookie auth + cross-site form posts: only accept JSON bodies for writes (forces a CORS preflight cross-site).
  if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "DELETE") {
    const ct = req.headers.get("content-type") ?? "";
    if (!ct.startsWith("application/json")) {
      return errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "request body must be application/json");
    }
  }
  const target = `${backendUrl()}/api/v1/${path.map(encodeURIComponent).join("/")}${req.nextUrl.search}`;
  const headers: Record<string, string> = { ...authHeaders(await currentCredential()) };
  for (const h of FORWARD_REQUEST_HEADERS) {
    const v = req.headers.get(h);
    if (v) headers[h] = v;
  }
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
  let res: Response;
  try {
    res = await fetch(target, {
      method: req.method,
      headers,
      body: body === "" ? undefined : body,
      cache: "no-store",
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return errorResponse(502, "BACKEND_UNAVAILABLE", `backend not reachable: ${message}`);
  }
  const out = new Headers({ "cache-control": "no-store" });
  for (const h of FORWARD_RESPONSE_HEADERS) {
    const v = res.headers.get(h);
    if (v) out.set(h, v);
  }
  return new Response(res.status === 204 ? null : await res.arrayBuffer(), {
    status: res.status,
    headers: out,
  });
}

export const GET = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
