import type { Metadata } from "next";
import { getServerI18n } from "@/i18n/server";
import type { MessageKey } from "@/i18n/types";

/** A page's <title> in the request's language (the root layout appends " · Roundabout"). */
export async function pageMetadata(title: MessageKey): Promise<Metadata> {
  const { t } = await getServerI18n();
  return { title: t(title) };
}
