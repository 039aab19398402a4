// pino JSON logs to stdout, and also to LOG_FILE when set. Secrets are redacted at the source.
import pino, { type Logger } from "pino";

export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers['x-api-key']",
  "headers.authorization",
  "headers['x-api-key']",
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "AUTH_SECRET",
  "*.AUTH_SECRET",
  "DATABASE_URL",
  "*.DATABASE_URL",
];

export function createLogger(level: string, file?: string): Logger {
  const opts = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { service: "backend" } };
  if (!file) return pino(opts);
  const streams = pino.multistream([
    { stream: pino.destination(1), level: level as pino.Level },
    { stream: pino.destination({ dest: file, mkdir: true, sync: false }), level: level as pino.Level },
  ]);
  return pino(opts, streams);
}
