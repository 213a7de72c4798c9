import { pageMetadata } from "@/console/page-metadata";
import { StatisticsPage } from "@/console/statistics/statistics-page";

/** This page's title. */
export function generateMetadata() {
  return pageMetadata("nav.statistics");
}

/** Traffic statistics: totals, charts, per-provider split and exports. */
export default function Page() {
  return <StatisticsPage />;
}
