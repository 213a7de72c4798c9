import {
  providerSchema,
  providerTestResultSchema,
  type Provider,
  type ProviderCreateInput,
  type ProviderTestResult,
  type ProviderUpdateInput,
} from "@/contracts/providers";
import { apiDelete, apiPatch, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads the provider list out of GET /providers. */
export function selectProviders(body: unknown): Provider[] {
  return readItems(body, providerSchema);
}

/** Creates a provider and returns it. */
export function createProvider(input: ProviderCreateInput): Promise<Provider> {
  return apiPost<unknown>(endpoints.providers, input).then((body) => readProvider(body));
}

/** Changes the given fields of a provider and returns it. */
export function updateProvider(id: string, input: ProviderUpdateInput): Promise<Provider> {
  return apiPut<unknown>(endpoints.provider(id), input).then((body) => readProvider(body));
}

/** Turns a provider on or off and returns it. */
export function setProviderEnabled(id: string, enabled: boolean): Promise<Provider> {
  return apiPatch<unknown>(endpoints.providerToggle(id), { enabled }).then((body) => readProvider(body));
}

/** Deletes a provider; rejects with PROVIDER_IN_USE (details.groups) while groups use it. */
export function deleteProvider(id: string): Promise<void> {
  return apiDelete(endpoints.provider(id));
}

/** Probes the saved provider now (its health-check path, else "/"); changes nothing. */
export function testProvider(id: string): Promise<ProviderTestResult> {
  return apiPost<unknown>(endpoints.providerTest(id), {}).then((body) =>
    readOne(body, providerTestResultSchema),
  );
}

/** The groups named in a PROVIDER_IN_USE error's details. */
export function readGroupsInUse(details: unknown): { id: string; slug: string; name: string }[] {
  const groups =
    typeof details === "object" && details !== null ? (details as { groups?: unknown }).groups : undefined;
  if (!Array.isArray(groups)) return [];
  return groups
    .filter(
      (group): group is { id: string; slug: string; name: string } =>
        typeof group === "object" &&
        group !== null &&
        typeof (group as { id?: unknown }).id === "string" &&
        typeof (group as { name?: unknown }).name === "string",
    )
    .map((group) => ({
      id: group.id,
      slug: typeof group.slug === "string" ? group.slug : "",
      name: group.name,
    }));
}

function readProvider(body: unknown): Provider {
  return readOne(body, providerSchema);
}
