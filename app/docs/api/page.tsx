import type { Metadata } from "next";
import { ApiReference } from "@/console/api-reference/api-reference";

export const metadata: Metadata = { title: "API reference" };

/** `/docs/api`: the OpenAPI document (`/api/openapi.json`) rendered by Redoc, served locally. */
export default function Page() {
  return <ApiReference specUrl="/api/openapi.json" scriptUrl="/docs/api/redoc.standalone.js" />;
}
