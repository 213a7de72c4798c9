import { ModelPricesPage } from "@/console/model-prices/model-prices-page";
import { pageMetadata } from "@/console/page-metadata";

/** This section's title. */
export function generateMetadata() {
  return pageMetadata("nav.modelPrices");
}

/** The price book: USD per million tokens per model, and the LiteLLM price-file import. */
export default function Page() {
  return <ModelPricesPage />;
}
