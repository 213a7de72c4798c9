import { AppError } from "../../core/errors/catalogue";
import { checkProxiedPath } from "../../core/proxy-path/check-proxied-path";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";

const MAX_LOGGED_PATH = 256;

/**
 * Refuses a proxied path that could climb out of the provider's base path in any encoding
 * (`core/proxy-path`), with PATH_NOT_ALLOWED; the attempt is logged as a warning (and, like every
 * refusal, as a request-log row).
 */
export function confinePath(ctx: ProxyContext, rt: GatewayRuntime): void {
  const check = checkProxiedPath(ctx.path);
  if (check.ok) return;
  rt.logger.warn(
    {
      requestId: ctx.requestId,
      reason: check.reason,
      // JSON.stringify escapes control characters, so the log line stays one line.
      path: JSON.stringify(ctx.path.slice(0, MAX_LOGGED_PATH)),
      clientIp: ctx.clientIp,
    },
    "proxied path refused",
  );
  throw new AppError("PATH_NOT_ALLOWED");
}
