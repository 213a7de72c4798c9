import { pageMetadata } from "@/console/page-metadata";
import { AlertsPage } from "@/console/alerts/alerts-page";

/** This page's title. */
export function generateMetadata() {
  return pageMetadata("nav.alerts");
}

/** Alert rules, notification channels and history. */
export default function Page() {
  return <AlertsPage />;
}
