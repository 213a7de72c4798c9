"use client";

import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { useForm } from "react-hook-form";
import { CircleAlertIcon, LoaderCircleIcon } from "lucide-react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { isApiError, NETWORK_ERROR } from "../api-client";
import { localizeCommonIssue } from "../forms/localize-issue";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { fetchSession, safeNextPath, signInWithUsername } from "../session";
import { BrandMark } from "../shell/brand";
import { LanguageSwitch } from "../shell/language-switch";
import { ThemeToggle } from "../shell/theme-toggle";

// Only presence is checked here: the server decides what a valid username or password is.
const schema = z.object({ username: z.string().trim().min(1), password: z.string().min(1) });
type Values = z.input<typeof schema>;

/** The sign-in card: username and password, the server's verdict, then on to where the user was going. */
export function SignInForm() {
  const t = useT();
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [failure, setFailure] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<Values>(schema, (issue) => localizeCommonIssue(t, issue)),
    [t],
  );
  const { register, handleSubmit, formState, setFocus } = useForm<Values>({
    resolver,
    defaultValues: { username: "", password: "" },
  });
  const { errors, isSubmitting, isSubmitSuccessful } = formState;

  // Someone already signed in (another tab, the back button) goes straight on.
  useEffect(() => {
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (user) => {
        if (user) router.replace(next);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [router, next]);

  const onSubmit = handleSubmit(async ({ username, password }) => {
    setFailure(null);
    try {
      await signInWithUsername(username, password);
      router.replace(next);
      router.refresh();
    } catch (error) {
      setFailure(describeSignInError(t, error));
      setFocus("password", { shouldSelect: true });
      throw error;
    }
  });

  // The submit handler rethrows so isSubmitSuccessful stays false on failure; swallow it here.
  const submit = (event: FormEvent<HTMLFormElement>) => void onSubmit(event).catch(() => undefined);
  const busy = isSubmitting || isSubmitSuccessful;

  return (
    <div className="relative flex min-h-dvh flex-col items-center justify-center bg-muted/40 px-4 py-10">
      <div className="absolute top-3 right-3 flex items-center gap-1">
        <LanguageSwitch />
        <ThemeToggle />
      </div>
      <div className="flex w-full max-w-sm flex-col items-center gap-6">
        <div className="flex items-center gap-2.5">
          <BrandMark className="size-10 rounded-xl" />
          <span className="text-xl font-semibold tracking-tight">{t("meta.appName")}</span>
        </div>
        <Card className="w-full gap-5 shadow-sm">
          <CardHeader>
            <CardTitle className="text-lg">{t("signIn.title")}</CardTitle>
            <CardDescription>{t("signIn.subtitle")}</CardDescription>
          </CardHeader>
          <CardContent>
            <form onSubmit={submit} noValidate className="grid gap-4">
              {failure && (
                <div
                  role="alert"
                  className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
                >
                  <CircleAlertIcon className="mt-0.5 size-4 shrink-0" aria-hidden />
                  <span>{failure}</span>
                </div>
              )}
              <FormField label={t("signIn.username")} error={errors.username?.message}>
                <FormControl>
                  <Input
                    autoComplete="username"
                    autoCapitalize="off"
                    autoCorrect="off"
                    spellCheck={false}
                    autoFocus
                    {...register("username")}
                  />
                </FormControl>
              </FormField>
              <FormField label={t("signIn.password")} error={errors.password?.message}>
                <FormControl>
                  <PasswordInput
                    autoComplete="current-password"
                    showLabel={t("signIn.showPassword")}
                    hideLabel={t("signIn.hidePassword")}
                    {...register("password")}
                  />
                </FormControl>
              </FormField>
              <Button type="submit" className="mt-1 w-full" disabled={busy}>
                {busy && <LoaderCircleIcon className="animate-spin" aria-hidden />}
                {busy ? t("signIn.submitting") : t("signIn.submit")}
              </Button>
            </form>
          </CardContent>
        </Card>
        <p className="text-center text-xs text-balance text-muted-foreground">{t("signIn.firstRunHint")}</p>
      </div>
    </div>
  );
}

function describeSignInError(t: Translate, error: unknown): string {
  if (!isApiError(error)) return t("errors.unexpected", { code: "CLIENT" });
  if (error.code === NETWORK_ERROR) return t("errors.network");
  if (error.status === 429 || error.code === "TOO_MANY_LOGIN_ATTEMPTS") return t("signIn.tooMany");
  // better-auth answers 401 for a wrong pair and 400 for a username its rules reject: same message,
  // so the form never reveals which accounts exist.
  if (error.status === 401 || error.status === 400) return t("signIn.invalid");
  return t("signIn.failed", { message: error.message });
}
