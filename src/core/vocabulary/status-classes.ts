/**
 * The status classes of statistics and log filters. A request is classed by the status the client got,
 * except that one which failed without an error status — a stream cut after a 200, a request that got
 * no status at all — is `err`. So `2xx`/`3xx` are exactly the successful requests.
 */
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "err"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** True for the classes counted as successful. */
export function isSuccessClass(statusClass: string): boolean {
  return statusClass === "2xx" || statusClass === "3xx";
}

/**
 * How one upstream attempt of a logged request ended (the attempt timeline): `client_error` is an
 * upstream answer that counts neither way for health, `aborted` a client that went away.
 */
export const ATTEMPT_OUTCOMES = ["success", "failure", "client_error", "aborted"] as const;
export type LoggedAttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
