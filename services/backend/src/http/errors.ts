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

/** The `{"error":{...}}` body of a failed request and its HTTP status. */
export interface ErrorReply {
  status: number;
  error: { code: string; message: string; details?: unknown };
}

interface ErrorLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * How any error leaves the API: validation -> 400, known client errors -> their 4xx, database down -> 503,
 * anything else -> 500. The server-side ones are logged (with `context`, e.g. the request id). Used by the
 * error handler of every fastify instance and by the main thread for orders from gateway threads.
 */
export function errorReply(err: unknown, log: ErrorLog, context: object = {}): ErrorReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      field: [err.validationContext, ...v.instancePath.split("/").filter(Boolean)].join("."),
      // zod says "expected string, received undefined" for a missing field; say what it means.
      message: /received undefined$/.test(v.message ?? "") ? "is required" : (v.message ?? "invalid"),
    }));
    const message = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    return { status: 400, error: { code: "VALIDATION_ERROR", message, details: issues } };
  }
  if (err instanceof ApiError) {
    const error: ErrorReply["error"] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.statusCode, error };
  }
  const e = (err ?? {}) as Partial<FastifyError>;
  const message = typeof e.message === "string" ? e.message : String(err);
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) return { status: known.status, error: { code: known.code, message: known.message ?? message } };
  if (err instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(message))) {
    return { status: 400, error: { code: "MALFORMED_JSON", message: "request body is not valid JSON" } };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, error: { code: e.code ?? "BAD_REQUEST", message } };
  }
  if (isDatabaseUnavailable(err)) {
    log.warn({ ...context, err: message }, "database unavailable");
    return {
      status: 503,
      error: { code: "DATABASE_UNAVAILABLE", message: "the database is not available, try again shortly" },
    };
  }
  log.error({ ...context, err }, "unhandled error");
  return { status: 500, error: { code: "INTERNAL", message: "internal server error" } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const r = errorReply(err, req.log, { reqId: req.id });
    return reply.status(r.status).send({ error: r.error });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` } });
  });
}
