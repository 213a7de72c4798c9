import { ImportExportPage } from "@/console/import-export/import-export-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.importExport");
}

/** Download the configuration, or preview and apply an import. */
export default function Page() {
  return <ImportExportPage />;
}
