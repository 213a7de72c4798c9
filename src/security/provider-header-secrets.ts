import { HEADER_VALUE_MASK } from "../core/vocabulary/providers";

/**
 * A provider's extra header values are credentials as often as not (`x-goog-api-key`, `api-key`,
 * `Ocp-Apim-Subscription-Key`), so every value is sealed at rest like `apiKey` and never shown:
 *
 * - stored: each value of `providers.headers` sealed on its own (aad = `<id>/header/<name>`), with
 *   `headers_sealed = true`. Rows written before that (clear values, `headers_sealed = false`) are
 *   sealed once at start (`sealLegacyProviderHeaders`); until then every reader opens both forms.
 * - read: names with `HEADER_VALUE_MASK` as the value, in the API, audit, exports without secrets and
 *   the providers CSV.
 * - written: a value equal to `HEADER_VALUE_MASK` keeps the stored value of that header (so a form or
 *   an exported document can be sent back unchanged); any other value replaces it.
 */

/** Seals and opens values with an associated-data string (the secret box). */
export interface HeaderSealer {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

/** The stored form of a provider's headers. */
export interface StoredProviderHeaders {
  readonly id: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly headersSealed: boolean;
}

function headerAad(providerId: string, name: string): string {
  return `${providerId}/header/${name.toLowerCase()}`;
}

/** The header names with masked values, as every read shows them. */
export function maskProviderHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, HEADER_VALUE_MASK]));
}

/** The clear header values of a row (sealed or legacy); throws SecretBoxError when one cannot open. */
export function openProviderHeaders(
  row: StoredProviderHeaders,
  open: (sealed: string, aad: string) => string,
): Record<string, string> {
  if (!row.headersSealed) return { ...row.headers };
  return Object.fromEntries(
    Object.entries(row.headers).map(([name, sealed]) => [name, open(sealed, headerAad(row.id, name))]),
  );
}

/** Seals clear header values for storage under a provider id. */
export function sealProviderHeaders(
  providerId: string,
  headers: Readonly<Record<string, string>>,
  sealer: Pick<HeaderSealer, "seal">,
): { headers: Record<string, string>; headersSealed: true } {
  const sealed = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, sealer.seal(value, headerAad(providerId, name))]),
  );
  return { headers: sealed, headersSealed: true };
}
