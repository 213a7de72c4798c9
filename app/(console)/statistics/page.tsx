import { ComingSoon } from "@/console/coming-soon";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.statistics");
}

/** Not built yet: says so and points back to the dashboard. */
export default function Page() {
  return <ComingSoon href="/statistics" />;
}
