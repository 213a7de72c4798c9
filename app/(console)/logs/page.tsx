import { pageMetadata } from "@/console/page-metadata";
import { LogsPage } from "@/console/logs/logs-page";

/** This page's title. */
export function generateMetadata() {
  return pageMetadata("nav.logs");
}

/** Request logs: filters, cursor paging and the attempt timeline of each request. */
export default function Page() {
  return <LogsPage />;
}
