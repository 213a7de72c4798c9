import { GroupsPage } from "@/console/groups/groups-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.groups");
}

/** Every group; a row opens the group. */
export default function Page() {
  return <GroupsPage />;
}
