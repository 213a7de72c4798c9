import { pageMetadata } from "@/console/page-metadata";
import { SettingsPage } from "@/console/settings/settings-page";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.settings");
}

/** Console users and the audit log. */
export default function Page() {
  return <SettingsPage />;
}
