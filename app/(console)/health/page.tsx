import { pageMetadata } from "@/console/page-metadata";
import { HealthPage } from "@/console/health/health-page";

/** This page's title. */
export function generateMetadata() {
  return pageMetadata("nav.health");
}

/** Live provider health with manual eject and restore. */
export default function Page() {
  return <HealthPage />;
}
