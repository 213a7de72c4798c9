/**
 * Capture modes of a group or key: `off`, `errors` (requests that ended in an error or needed a
 * retry) or `all` (sampled by the group's `captureSampleRate`). A key's mode overrides its group's.
 */
export const CAPTURE_MODES = ["off", "errors", "all"] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/** Where a request-log row came from: a client through the gateway, or an admin's replay. */
export const LOG_SOURCES = ["client", "replay"] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

/** Default largest captured body per direction and attempt (1 MiB). */
export const DEFAULT_CAPTURE_MAX_BYTES = 1_048_576;
