import { ProviderDetailPage } from "@/console/providers/provider-detail-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.providers");
}

/** One provider: health history, latency and errors, recent failures and its groups. */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ProviderDetailPage providerId={id} />;
}
