import { TENANT_HEADER } from "@/core/vocabulary/tenants";

/**
 * The tenant the console acts in, remembered in this browser (the switcher sets it): every admin API
 * request carries it as `X-Roundabout-Tenant`. Nothing stored = the server's choice (a tenant user's
 * first tenant, `default` for a system administrator).
 */
const STORAGE_KEY = "rb.tenant";

/** The remembered tenant slug, or null (also on the server, where there is no storage). */
export function chosenTenantSlug(): string | null {
  if (typeof window === "undefined") return null;
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Remembers `slug` (null forgets it). */
export function chooseTenant(slug: string | null): void {
  try {
    if (slug === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, slug);
  } catch {
    // Storage refused (private mode): the choice lasts until the page reloads at most.
  }
}

/** Adds the tenant header to `headers` when a tenant is remembered. */
export function withTenantHeader(headers: Record<string, string>): Record<string, string> {
  const slug = chosenTenantSlug();
  return slug === null ? headers : { ...headers, [TENANT_HEADER]: slug };
}
