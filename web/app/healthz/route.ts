export const dynamic = "force-dynamic";

/** Liveness of the web tier itself (does not call the backend). */
export function GET(): Response {
  return Response.json({ status: "ok" });
}
