import { pageMetadata } from "@/console/page-metadata";
import { ProvidersPage } from "@/console/providers/providers-page";

/** The providers page's title. */
export function generateMetadata() {
  return pageMetadata("nav.providers");
}

/** Upstream providers: list, create, edit, enable and delete. */
export default function Page() {
  return <ProvidersPage />;
}
