import {
  apiKeySchema,
  createdApiKeySchema,
  type ApiKey,
  type ApiKeyCreateInput,
  type ApiKeyUpdateInput,
  type CreatedApiKey,
} from "@/contracts/api-keys";
import { apiDelete, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads the key list out of GET /api-keys (masked keys only). */
export function selectApiKeys(body: unknown): ApiKey[] {
  return readItems(body, apiKeySchema);
}

/** Creates a key; the answer carries the full key, the only time it is ever shown. */
export async function createApiKey(input: ApiKeyCreateInput): Promise<CreatedApiKey> {
  return readOne(await apiPost<unknown>(endpoints.apiKeys, input), createdApiKeySchema);
}

/** Changes the given fields of a key (never the key itself). */
export async function updateApiKey(id: string, input: ApiKeyUpdateInput): Promise<ApiKey> {
  return readOne(await apiPut<unknown>(endpoints.apiKey(id), input), apiKeySchema);
}

/** Revokes (deletes) a key: clients using it get 401 from then on. */
export function deleteApiKey(id: string): Promise<void> {
  return apiDelete(endpoints.apiKey(id));
}

/** The key without its secret, for the list (the schema drops the `key` field). */
export function withoutSecret(created: CreatedApiKey): ApiKey {
  return apiKeySchema.parse(created);
}

/** True when the key's expiry has passed at `now`. */
export function isExpired(key: Pick<ApiKey, "expiresAt">, now: number): boolean {
  return key.expiresAt !== null && Date.parse(key.expiresAt) <= now;
}
