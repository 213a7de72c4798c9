/**
 * Error and log hygiene for the Redis store: backend failures become catalogue errors, and the
 * connection URL is only ever shown without its credentials.
 */
import type { Redis } from "ioredis";
import { AppError, isAppError } from "../core/errors/catalogue";
import type { Logger } from "../observability/logger";

/**
 * Maps a failure to a catalogue error: Redis refusing a command is our bug (INTERNAL_ERROR); anything
 * else (timeout, connection refused, retries exhausted, connection closed) means unreachable.
 */
export function toStoreError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const isReply = err instanceof Error && err.name === "ReplyError";
  const wrapped = isReply
    ? new AppError("INTERNAL_ERROR", `Redis rejected a command: ${err.message}`)
    : new AppError("STORE_UNAVAILABLE");
  wrapped.cause = err;
  return wrapped;
}

/** The URL as safe to log: scheme, host, port and db only (never user or password). */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(unparseable redis url)";
  }
}

/**
 * Logs a connection's outage once (not once per reconnect attempt) and its recovery. Only the error
 * message is logged: error objects from the socket layer can carry connection options.
 */
export function watchConnection(client: Redis, label: string, url: string, logger?: Logger): void {
  let down = false;
  const redis = describeRedisUrl(url);
  // ioredis prints unhandled "error" events to the console itself; this listener replaces that.
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ redis, connection: label, error: err.message }, "redis connection error");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    logger?.info({ redis, connection: label }, "redis connection restored");
  });
}

/** Closes politely when possible, at once otherwise (QUIT would wait in the offline queue). */
export async function closeConnection(client: Redis): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}
