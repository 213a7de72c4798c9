import { ApiKeysPage } from "@/console/api-keys/api-keys-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.apiKeys");
}

/** Gateway keys: generate (shown once), scope, limits, expiry, revoke. */
export default function Page() {
  return <ApiKeysPage />;
}
