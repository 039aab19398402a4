// WebSocket /api/v1/stream: authenticate with ?token= / ?apiKey= or an {"type":"auth"} message; the user's
// order updates and fills are pushed once authenticated; market data per subscribed symbol.
import { StreamClientMessage } from "@hft/shared/api";
import type { Principal } from "../auth/authenticator.js";
import type { AppContext } from "../context.js";
import { ApiError } from "../errors.js";
import type { App } from "../http/types.js";

const MAX_SYMBOLS_PER_CONNECTION = 100;

export function registerStreamRoute(app: App, ctx: AppContext): void {
  app.get("/api/v1/stream", { websocket: true, schema: { hide: true } }, async (socket, req) => {
    const conn = ctx.hub.add(socket);
    const query = req.query as Record<string, unknown>;
    const authenticate = async (token?: unknown, apiKey?: unknown): Promise<Principal | null> => {
      try {
        if (typeof apiKey === "string" && apiKey !== "") return await ctx.auth.fromApiKey(apiKey);
        if (typeof token === "string" && token !== "") return ctx.auth.fromToken(token);
      } catch (e) {
        const msg = e instanceof ApiError ? e.message : "authentication failed";
        ctx.hub.send(conn, { type: "error", code: "UNAUTHORIZED", message: msg });
      }
      return null;
    };
    // Messages that arrive while the query credential is checked are handled afterwards, in order.
    let chain: Promise<void> = Promise.resolve();
    socket.on("message", (raw: Buffer, isBinary: boolean) => {
      chain = chain.then(() => handle(raw, isBinary));
    });

    const handle = async (raw: Buffer, isBinary: boolean) => {
      if (isBinary) {
        ctx.hub.send(conn, { type: "error", code: "VALIDATION_ERROR", message: "send JSON text messages" });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        ctx.hub.send(conn, { type: "error", code: "MALFORMED_JSON", message: "message is not valid JSON" });
        return;
      }
      const parsed = StreamClientMessage.safeParse(json);
      if (!parsed.success) {
        const message = parsed.error.issues
          .map((i) => `${i.path.join(".") || "message"}: ${i.message}`)
          .join("; ");
        ctx.hub.send(conn, { type: "error", code: "VALIDATION_ERROR", message });
        return;
      }
      const m = parsed.data;
      switch (m.type) {
        case "auth": {
          const p = await authenticate(m.token, m.apiKey);
          if (p) conn.userId = p.userId;
          ctx.hub.send(conn, {
            type: "welcome",
            authenticated: conn.userId !== null,
            userId: conn.userId?.toString() ?? null,
          });
          return;
        }
        case "subscribe": {
          const unknown = m.symbols.filter((s) => !ctx.symbols.get(s));
          if (unknown.length > 0) {
            ctx.hub.send(conn, {
              type: "error",
              code: "UNKNOWN_SYMBOL",
              message: `unknown symbol(s): ${unknown.join(", ")}`,
            });
            return;
          }
          for (const s of m.symbols) conn.symbols.add(s);
          if (conn.symbols.size > MAX_SYMBOLS_PER_CONNECTION) {
            for (const s of m.symbols) conn.symbols.delete(s);
            ctx.hub.send(conn, {
              type: "error",
              code: "VALIDATION_ERROR",
              message: "too many subscriptions",
            });
            return;
          }
          ctx.hub.send(conn, { type: "subscribed", symbols: [...conn.symbols].sort() });
          for (const s of m.symbols) ctx.hub.snapshot(conn, s);
          return;
        }
        case "unsubscribe":
          for (const s of m.symbols) conn.symbols.delete(s);
          ctx.hub.send(conn, { type: "subscribed", symbols: [...conn.symbols].sort() });
          return;
        case "ping":
          ctx.hub.send(conn, { type: "pong" });
          return;
      }
    };

    chain = chain.then(async () => {
      if (query.token !== undefined || query.apiKey !== undefined) {
        const p = await authenticate(query.token, query.apiKey);
        if (p) conn.userId = p.userId;
      }
      ctx.hub.send(conn, {
        type: "welcome",
        authenticated: conn.userId !== null,
        userId: conn.userId?.toString() ?? null,
      });
    });
  });
}
