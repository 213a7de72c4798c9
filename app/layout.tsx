import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { AppProviders } from "@/console/app-providers";
import { getServerI18n } from "@/i18n/server";
import "./globals.css";

/** Titles read "Page · Roundabout" in the visitor's language. */
export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getServerI18n();
  const app = t("meta.appName");
  return { title: { template: `%s · ${app}`, default: app }, description: t("meta.tagline") };
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

/** The root document: language from the rb-lang cookie, theme class set by next-themes before paint. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const { locale, dictionary } = await getServerI18n();
  return (
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-dvh font-sans">
        <AppProviders locale={locale} dictionary={dictionary}>
          {children}
        </AppProviders>
      </body>
    </html>
  );
}
