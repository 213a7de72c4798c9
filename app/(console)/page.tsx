import { DashboardPage } from "@/console/dashboard/dashboard-page";
import { pageMetadata } from "@/console/page-metadata";

/** The dashboard's title. */
export function generateMetadata() {
  return pageMetadata("nav.dashboard");
}

/** The console's home page. */
export default function Page() {
  return <DashboardPage />;
}
