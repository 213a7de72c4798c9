import { pageMetadata } from "@/console/page-metadata";
import { TenantDetailPage } from "@/console/tenants/tenant-detail-page";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.tenants");
}

/** One tenant: members, admin tokens, quota. */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TenantDetailPage tenantId={id} />;
}
