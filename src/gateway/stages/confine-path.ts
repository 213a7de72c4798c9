import { AppError } from "../../core/errors/catalogue";
import { checkProxiedPath } from "../../core/proxy-path/check-proxied-path";
import type { Arrival } from "../context/request-facts";
import type { GatewayRuntime } from "../gateway-types";

const MAX_LOGGED_PATH = 256;

/**
 * Refuses a proxied path that could climb out of the provider's base path in any encoding
 * (`core/proxy-path`), with PATH_NOT_ALLOWED; the attempt is logged as a warning (and, like every
 * refusal, as a request-log row).
 */
export function confinePath(rt: GatewayRuntime, arrival: Arrival, path: string): void {
  const check = checkProxiedPath(path);
  if (check.ok) return;
  rt.logger.warn(
    {
      requestId: arrival.requestId,
      reason: check.reason,
      // JSON.stringify escapes control characters, so the log line stays one line.
      path: JSON.stringify(path.slice(0, MAX_LOGGED_PATH)),
      clientIp: arrival.clientIp,
    },
    "proxied path refused",
  );
  throw new AppError("PATH_NOT_ALLOWED");
}
