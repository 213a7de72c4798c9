import { GroupDetailPage } from "@/console/groups/group-detail-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.groups");
}

/** One group: members, order, weights and routing settings. */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <GroupDetailPage groupId={id} />;
}
