/**
 * The status classes of statistics and log filters. A request is classed by the status the client got,
 * except that one which failed without an error status — a stream cut after a 200, a request that got
 * no status at all — is `err`. So `2xx`/`3xx` are exactly the successful requests.
 */

export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "err"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The class of a finished request from its final status and error code. */
export function statusClassOf(status: number, errorCode: string | null | undefined): StatusClass {
  if (status >= 500 && status <= 599) return "5xx";
  if (status >= 400 && status <= 499) return "4xx";
  if (status >= 200 && status <= 399 && (errorCode === null || errorCode === undefined)) {
    return status < 300 ? "2xx" : "3xx";
  }
  return "err";
}

/** True for the classes counted as successful. */
export function isSuccessClass(statusClass: string): boolean {
  return statusClass === "2xx" || statusClass === "3xx";
}
