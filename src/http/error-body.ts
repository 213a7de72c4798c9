import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";

/** The one JSON error shape of the admin API, `/metrics`, `/api/cron/*` and the dispatcher's own answers. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown };
}

/** Builds the error body for `code`; the message defaults to the catalogue's. */
export function errorBodyOf(
  code: ErrorCode,
  message: string = ERRORS[code].message,
  details?: unknown,
): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
