import pino, { type Logger, type LoggerOptions } from "pino";

export type { Logger };

/**
 * Paths pino blanks in every log line. Credentials must never be logged in the first place; this is
 * the belt to that pair of braces.
 */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-key"]',
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "req.headers.cookie",
];

/** Creates the process logger (JSON to stdout, or a given destination in tests). */
export function createLogger(level: LoggerOptions["level"], destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { svc: "roundabout" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
