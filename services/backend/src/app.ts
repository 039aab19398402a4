// The fastify application: zod-validated routes, OpenAPI at /docs, WebSocket stream, uniform errors.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, LogController } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Authenticator, Principal } from "./auth/authenticator.js";
import { corsOrigins } from "./config/index.js";
import type { AppContext } from "./context.js";
import { installErrorHandling } from "./http/errors.js";
import type { App } from "./http/types.js";
import { registerAdminRoutes } from "./routes/admin.js";
import { registerAuthRoutes } from "./routes/auth.js";
import { registerMarketRoutes } from "./routes/market.js";
import { registerOrderRoutes } from "./routes/orders.js";
import { registerPortfolioRoutes } from "./routes/portfolio.js";
import { registerStreamRoute } from "./routes/stream.js";
import { registerSystemRoutes } from "./routes/system.js";

/** JSON bodies are small (an order is ~200 bytes); anything bigger is a mistake or an attack. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface BaseAppOptions {
  log: FastifyBaseLogger;
  trustProxy: boolean | string;
  corsOrigins: string[];
}

/**
 * A fastify instance with what every HTTP thread shares: zod validation and serialization, arrival time,
 * uniform errors, CORS. The main thread adds every route to it; gateway threads (gateway/) add order entry.
 */
export function createBaseApp(opts: BaseAppOptions): App {
  const app = Fastify({
    loggerInstance: opts.log,
    // Per-request access logs would dominate the hot order path; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (pino child + bindings on every request was ~3% of the order path's CPU):
    // the few request-scoped log lines (errors, see http/errors.ts) carry reqId themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: opts.trustProxy,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("principal", null);
  app.decorateRequest("t0", 0n);
  // Callback-style hooks on the order path: an async hook costs a promise and a microtask per request.
  app.addHook("onRequest", (req, _reply, done) => {
    req.t0 = process.hrtime.bigint();
    done();
  });
  installErrorHandling(app);
  installCors(app, opts.corsOrigins);
  return app;
}

export async function buildApp(ctx: AppContext, opts: { trustProxy?: boolean | string } = {}): Promise<App> {
  const app = createBaseApp({
    log: ctx.log as FastifyBaseLogger,
    trustProxy: opts.trustProxy ?? ctx.config.TRUST_PROXY,
    corsOrigins: corsOrigins(ctx.config),
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: "hft-platform trading API",
        version: ctx.version,
        description:
          "REST API of the trading backend. Prices, quantities and money are decimal strings. Errors are " +
          '{"error":{"code","message","details"?}}.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  registerSystemRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerOrderRoutes(app, ctx);
  registerPortfolioRoutes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerStreamRoute(app, ctx);
  return app;
}

/** Minimal CORS for the configured origins only (the web normally proxies same-origin, so this is off). */
function installCors(app: App, origins: string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook("onRequest", async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !(allowed.has(origin) || allowed.has("*"))) return;
    reply.header("access-control-allow-origin", origin);
    reply.header("vary", "Origin");
    if (req.method === "OPTIONS") {
      reply
        .header("access-control-allow-methods", "GET,POST,PATCH,PUT,DELETE")
        .header("access-control-allow-headers", "content-type,authorization,x-api-key")
        .header("access-control-max-age", "600")
        .status(204)
        .send();
    }
  });
}

/** Authenticates every route registered inside `fn` (X-API-Key or Bearer token) before validation runs. */
export function authenticated(
  app: App,
  auth: Pick<Authenticator, "fromHeaders">,
  fn: (scope: App) => void,
): void {
  app.register(async (scope) => {
    scope.addHook("onRequest", (req, _reply, done) => {
      let principal: Principal | Promise<Principal>;
      try {
        principal = auth.fromHeaders(req.headers);
      } catch (err) {
        done(err as Error);
        return;
      }
      // A cached API key or a token resolves at once, without a promise turn.
      if (principal instanceof Promise) {
        principal.then((p) => {
          req.principal = p;
          done();
        }, done);
      } else {
        req.principal = principal;
        done();
      }
    });
    // The child scope inherits the zod type provider at runtime; its static type does not carry it.
    fn(scope as unknown as App);
  });
}
