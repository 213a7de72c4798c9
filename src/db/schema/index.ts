export * from "./providers";
export * from "./groups";
export * from "./group-providers";
export * from "./api-keys";
export * from "./auth";
export * from "./audit-log";
export * from "./request-logs";
export * from "./alerts";
