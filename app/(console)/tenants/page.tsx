import { pageMetadata } from "@/console/page-metadata";
import { TenantsPage } from "@/console/tenants/tenants-page";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.tenants");
}

/** Tenants (system administrators): list, create, enable/disable, delete. */
export default function Page() {
  return <TenantsPage />;
}
