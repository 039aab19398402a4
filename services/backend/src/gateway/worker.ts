// An HTTP gateway thread (WORKER_THREADS > 1): it shares the public port with the other gateway threads
// (SO_REUSEPORT: the kernel spreads connections over them) and does the per-request HTTP work of order entry
// in parallel with the main thread: parsing, authentication (its own API-key cache), validation and
// serialization. Orders go to the main thread, which owns the trading state (gateway/host.ts). Every other
// route, and the WebSocket stream, is proxied to the main thread's loopback listener.
import { parentPort, workerData } from "node:worker_threads";
import httpProxy from "@fastify/http-proxy";
import type { FastifyBaseLogger, FastifyListenOptions } from "fastify";
import { authenticated, createBaseApp } from "../app.js";
import { Authenticator } from "../auth/authenticator.js";
import { createPrisma } from "../db/client.js";
import { createLogger } from "../log.js";
import { registerOrderEntryRoutes } from "../routes/orderEntry.js";
import { OrderChannel } from "./channel.js";
import type { GatewayData, ToGateway, ToMain } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("gateway/worker.ts runs as a worker thread (see gateway/host.ts)");
const data = workerData as GatewayData;
const log = createLogger(data.logLevel, data.logFile).child({ gateway: data.index });
// API keys are looked up by this thread itself (cached 30 s, cleared when the main thread revokes a key).
const prisma = createPrisma(data.databaseUrl, 2);
const auth = new Authenticator(prisma, data.authSecret);
const channel = new OrderChannel(port);

const app = createBaseApp({
  log: log as FastifyBaseLogger,
  trustProxy: data.trustProxy,
  corsOrigins: data.corsOrigins,
});
authenticated(app, auth, (scope) => registerOrderEntryRoutes(scope, channel));
await app.register(httpProxy, {
  upstream: data.upstream,
  websocket: true,
  // The main thread trusts its loopback peers (only gateways reach that listener) for the client address.
  replyOptions: {
    rewriteRequestHeaders: (req, headers) => ({ ...headers, "x-forwarded-for": req.ip }),
  },
});

port.on("message", (m: ToGateway) => {
  if (m.type === "replies") channel.deliver(m.replies);
  else if (m.type === "invalidate-auth") auth.invalidate();
  else if (m.type === "stop") {
    // Stop taking connections; requests in flight still get their replies from the main thread.
    void app
      .close()
      .then(() => prisma.$disconnect())
      .finally(() => port.postMessage({ type: "stopped" } satisfies ToMain));
  }
});

// fastify hands the options to net.Server.listen, which takes reusePort (Node >= 22.12) but fastify's
// types do not list it yet.
const listenOptions: FastifyListenOptions & { reusePort: boolean } = {
  host: data.host,
  port: data.port,
  reusePort: true,
};
await app.listen(listenOptions);
const address = app.server.address();
port.postMessage({
  type: "listening",
  port: typeof address === "object" && address ? address.port : data.port,
} satisfies ToMain);
