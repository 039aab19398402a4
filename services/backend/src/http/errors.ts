// Maps every failure to {"error":{code,message,details?}}: validation -> 400, known client errors -> their
// 4xx, anything else -> 500 (logged). Client mistakes never become a 500.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError } from "../errors.js";

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    message: "request body is too large",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "send the body as application/json",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "VALIDATION_ERROR", message: "request body is empty" },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: "MALFORMED_JSON",
    message: "request body is not valid JSON",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "BAD_REQUEST", message: "invalid content-length" },
};

// Connection-level failures of PostgreSQL (Prisma P1xxx, pg/socket codes, SQLSTATE class 08 and 57P0x):
// the database is unavailable, which is a 503 the client may retry, not a bug.
const DB_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const o = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
    const code = typeof o.code === "string" ? o.code : "";
    if (/^P10\d\d$/.test(code) || DB_DOWN_CODES.has(code) || code.startsWith("08")) return true;
    if (o.name === "PrismaClientInitializationError") return true;
    if (
      typeof o.message === "string" &&
      /Connection terminated|Can't reach database server/.test(o.message)
    ) {
      return true;
    }
    e = o.cause ?? (o.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  }
  return false;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        field: [err.validationContext, ...v.instancePath.split("/").filter(Boolean)].join("."),
        // zod says "expected string, received undefined" for a missing field; say what it means.
        message: /received undefined$/.test(v.message ?? "") ? "is required" : (v.message ?? "invalid"),
      }));
      const message = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
      return reply.status(400).send({ error: { code: "VALIDATION_ERROR", message, details: issues } });
    }
    if (err instanceof ApiError) {
      const body: { code: string; message: string; details?: unknown } = {
        code: err.code,
        message: err.message,
      };
      if (err.details !== undefined) body.details = err.details;
      return reply.status(err.statusCode).send({ error: body });
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) {
      return reply
        .status(known.status)
        .send({ error: { code: known.code, message: known.message ?? err.message } });
    }
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return reply
        .status(400)
        .send({ error: { code: "MALFORMED_JSON", message: "request body is not valid JSON" } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .status(err.statusCode)
        .send({ error: { code: err.code ?? "BAD_REQUEST", message: err.message } });
    }
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ reqId: req.id, err: err.message }, "database unavailable");
      return reply.status(503).send({
        error: {
          code: "DATABASE_UNAVAILABLE",
          message: "the database is not available, try again shortly",
        },
      });
    }
    req.log.error({ reqId: req.id, err }, "unhandled error");
    return reply.status(500).send({ error: { code: "INTERNAL", message: "internal server error" } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` } });
  });
}
