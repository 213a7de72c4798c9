import { apiKeySchema, type ApiKey } from "@/contracts/api-keys";
import { keyUsageSchema, type KeyUsage } from "@/contracts/key-usage";
import { readOne } from "../api-client";

/** Reads one key out of GET /api-keys/{id}. */
export function selectApiKey(body: unknown): ApiKey {
  return readOne(body, apiKeySchema);
}

/** Reads GET /api-keys/{id}/usage. */
export function selectKeyUsage(body: unknown): KeyUsage {
  return readOne(body, keyUsageSchema);
}
