import { pageMetadata } from "@/console/page-metadata";
import { LogDiffPage } from "@/console/logs/diff/log-diff-page";

/** This page's title. */
export function generateMetadata() {
  return pageMetadata("nav.logs");
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Two request logs compared side by side (`?a=…&b=…`). */
export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  return <LogDiffPage a={first(query.a)} b={first(query.b)} />;
}
