import type { Translate } from "@/i18n/types";
import { isApiError, NETWORK_ERROR } from "./api-client";

/**
 * A message for a failed call in the reader's language where we have one (network, permission,
 * session), else the server's own message, which names the problem precisely.
 */
export function describeError(t: Translate, error: unknown): string {
  if (!isApiError(error)) return t("errors.unexpected", { code: "CLIENT" });
  if (error.code === NETWORK_ERROR) return t("errors.network");
  if (error.status === 401) return t("errors.sessionExpired");
  if (error.status === 403) return t("errors.forbidden");
  return error.message || t("errors.unexpected", { code: error.code });
}
