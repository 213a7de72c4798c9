import Link from "next/link";
import { Button } from "@/components/ui/button";
import { getServerI18n } from "@/i18n/server";

/** Any unknown address. */
export default async function NotFound() {
  const { t } = await getServerI18n();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 px-4 text-center">
      <p className="font-mono text-sm text-muted-foreground">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">{t("notFound.title")}</h1>
      <p className="max-w-sm text-sm text-muted-foreground">{t("notFound.text")}</p>
      <Button asChild variant="outline">
        <Link href="/">{t("notFound.back")}</Link>
      </Button>
    </main>
  );
}
