import type { StatusClass } from "@/core/vocabulary/status-classes";

/**
 * Classes a finished request for statistics and log filters (the classes and what they mean:
 * `core/vocabulary/status-classes.ts`).
 */

/** The class of a finished request from its final status and error code. */
export function statusClassOf(status: number, errorCode: string | null | undefined): StatusClass {
  if (status >= 500 && status <= 599) return "5xx";
  if (status >= 400 && status <= 499) return "4xx";
  if (status >= 200 && status <= 399 && (errorCode === null || errorCode === undefined)) {
    return status < 300 ? "2xx" : "3xx";
  }
  return "err";
}
