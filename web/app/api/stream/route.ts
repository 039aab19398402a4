// Live updates for the browser as Server-Sent Events, bridged from the backend's WebSocket /api/v1/stream.
// Why a bridge: the credential stays in the httpOnly cookie (the browser cannot put it on a WebSocket), and
// the browser only ever talks to this origin, so `next start` behind any proxy just works.
import type { StreamClientMessage } from "@hft/shared/api";
import type { NextRequest } from "next/server";
import { backendUrl, currentCredential, errorResponse } from "@/lib/server/backend";

export const dynamic = "force-dynamic";

const SYMBOL_RE = /^[A-Z0-9.-]{1,16}$/;
const HEARTBEAT_MS = 15_000;

export async function GET(req: NextRequest): Promise<Response> {
  const cred = await currentCredential();
  if (!cred) return errorResponse(401, "UNAUTHORIZED", "not signed in");
  const symbols = (req.nextUrl.searchParams.get("symbols") ?? "")
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  if (symbols.length > 20 || symbols.some((s) => !SYMBOL_RE.test(s))) {
    return errorResponse(400, "VALIDATION_ERROR", "symbols must be up to 20 comma-separated symbol codes");
  }

  const wsUrl = `${backendUrl().replace(/^http/, "ws")}/api/v1/stream`;
  const encoder = new TextEncoder();
  let ws: WebSocket | null = null;
  let heartbeat: ReturnType<typeof setInterval> | null = null;

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          closed = true;
        }
      };
      const finish = () => {
        if (closed) return;
        closed = true;
        if (heartbeat) clearInterval(heartbeat);
        try {
          ws?.close();
        } catch {
          // already closed
        }
        try {
          controller.close();
        } catch {
          // consumer already gone
        }
      };
      // reconnect delay hint for EventSource, then an initial comment so proxies flush headers
      send("retry: 1000\n: connected\n\n");
      const socket = new WebSocket(wsUrl);
      ws = socket;
      socket.addEventListener("open", () => {
        const auth: StreamClientMessage =
          cred.kind === "token"
            ? { type: "auth", token: cred.secret }
            : { type: "auth", apiKey: cred.secret };
        socket.send(JSON.stringify(auth));
        if (symbols.length > 0) {
          const sub: StreamClientMessage = { type: "subscribe", symbols };
          socket.send(JSON.stringify(sub));
        }
      });
      socket.addEventListener("message", (ev: MessageEvent) => {
        const data = typeof ev.data === "string" ? ev.data : "";
        if (data) send(`data: ${data.replace(/\n/g, "")}\n\n`);
      });
      socket.addEventListener("close", () => {
        send(`data: ${JSON.stringify({ type: "disconnected" })}\n\n`);
        finish();
      });
      socket.addEventListener("error", () => finish());
      heartbeat = setInterval(() => {
        send(": ping\n\n");
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, HEARTBEAT_MS);
      req.signal.addEventListener("abort", finish);
    },
    cancel() {
      if (heartbeat) clearInterval(heartbeat);
      ws?.close();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
