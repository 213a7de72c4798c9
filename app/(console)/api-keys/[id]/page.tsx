import { KeyUsagePage } from "@/console/api-keys/key-usage-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.apiKeys");
}

/** One key's usage this day and month against its quota. */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <KeyUsagePage keyId={id} />;
}
