"use client";

import { useRef, useState, type FormEvent } from "react";
import { LoaderCircleIcon, SendIcon } from "lucide-react";
import type { LogDetail } from "@/contracts/logs";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectLabel,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import type { DialogOpenProps } from "../forms/form-dialog";
import { FormError } from "../form-error";
import { selectGroups } from "../groups/group-api";
import { selectProviders } from "../providers/provider-api";
import { useApiQuery } from "../use-api-query";
import { nonStringHeaders, parseJsonInput, prettyJson, type JsonInput } from "./json-input";
import type { ReplayRequest, ReplayResult } from "./log-debug-api";
import { ReplayOutput } from "./replay-output";
import { NO_PROGRESS, sendReplay, type ReplayProgress } from "./replay-stream";

/** The target select's value: `g:{slug}` for a group, `p:{id}` for one provider. */
function targetOf(value: string): ReplayRequest["target"] {
  return value.startsWith("g:") ? { group: value.slice(2) } : { providerId: value.slice(2) };
}

function describeJsonError(t: Translate, input: JsonInput): string | undefined {
  if (input.ok) return undefined;
  return t("debug.jsonInvalid", { line: input.line, column: input.column, reason: input.reason });
}

/**
 * Replays a captured request: to its group (normal balancing) or one provider (no balancing), with
 * the body, headers and model editable as JSON, streamed or not; the answer shows as it arrives.
 */
export function ReplayDialog({ log, open, onOpenChange }: DialogOpenProps & { log: LogDetail }) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[92vh] overflow-y-auto sm:max-w-3xl" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("debug.replayTitle")}</DialogTitle>
          <DialogDescription className="font-mono break-all">
            {log.method} {log.path}
          </DialogDescription>
        </DialogHeader>
        {open && <ReplayForm log={log} />}
      </DialogContent>
    </Dialog>
  );
}

type Phase =
  | { name: "editing" }
  | { name: "sending"; progress: ReplayProgress }
  | { name: "done"; result: ReplayResult };

function ReplayForm({ log }: { log: LogDetail }) {
  const t = useT();
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const providers = useApiQuery(endpoints.providers, selectProviders);
  const captured = log.capture?.request.body ?? null;
  const originalBody = captured?.text ? prettyJson(captured.text) : "";
  // A body captured as JSON is edited as JSON; any other text is sent as typed.
  const jsonBody = !captured?.text || parseJsonInput(captured.text).ok;
  const [target, setTarget] = useState(
    log.groupSlug ? `g:${log.groupSlug}` : log.providerId ? `p:${log.providerId}` : "",
  );
  const [model, setModel] = useState("");
  const [bodyText, setBodyText] = useState(originalBody);
  const [headersText, setHeadersText] = useState("{}");
  // Live by default: a streamed answer shows as it arrives, a plain one line by line.
  const [stream, setStream] = useState(true);
  const [errors, setErrors] = useState<{ body?: string; headers?: string; target?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ name: "editing" });
  const abort = useRef<AbortController | null>(null);

  /** The request to send, or undefined after marking what to fix. */
  function buildRequest(): ReplayRequest | undefined {
    const next: typeof errors = {};
    const overrides: ReplayRequest["overrides"] = {};
    if (!target) next.target = t("debug.targetRequired");
    if (bodyText !== originalBody) {
      const body =
        bodyText.trim() === "" || !jsonBody
          ? ({ ok: true, value: bodyText } as const)
          : parseJsonInput(bodyText);
      if (body.ok) overrides.body = body.value;
      else next.body = describeJsonError(t, body);
    }
    const headers = parseJsonInput(headersText.trim() || "{}");
    if (!headers.ok) next.headers = describeJsonError(t, headers);
    else {
      const wrong = nonStringHeaders(headers.value);
      if (wrong === null) next.headers = t("debug.headersObject");
      else if (wrong.length > 0) next.headers = t("debug.headersStrings", { names: wrong.join(", ") });
      else if (Object.keys(headers.value as object).length > 0)
        overrides.headers = headers.value as Record<string, string | null>;
    }
    if (model.trim()) overrides.model = model.trim();
    setErrors(next);
    if (Object.keys(next).length > 0) return undefined;
    return { target: targetOf(target), overrides, stream };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const request = buildRequest();
    if (!request) return;
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ name: "sending", progress: NO_PROGRESS });
    try {
      const result = await sendReplay(
        endpoints.logReplay(log.id),
        request,
        (progress) => setPhase({ name: "sending", progress }),
        controller.signal,
      );
      setPhase({ name: "done", result });
    } catch (error) {
      setPhase({ name: "editing" });
      if (controller.signal.aborted) return;
      setFormError(describeError(t, error));
    }
  }

  const sending = phase.name === "sending";
  return (
    <div className="flex flex-col gap-5">
      <form className="flex flex-col gap-4" onSubmit={(event) => void submit(event)} noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label={t("debug.target")} error={errors.target} hint={t("debug.targetHint")}>
            <Select value={target} onValueChange={setTarget} disabled={sending}>
              <FormControl>
                <SelectTrigger className="w-full">
                  <SelectValue placeholder={t("debug.targetPlaceholder")} />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                <SelectGroup>
                  <SelectLabel>{t("debug.targetGroups")}</SelectLabel>
                  {(groups.data ?? []).map((group) => (
                    <SelectItem key={group.id} value={`g:${group.slug}`}>
                      {t("debug.targetGroup", { name: group.name })}
                    </SelectItem>
                  ))}
                </SelectGroup>
                <SelectGroup>
                  <SelectLabel>{t("debug.targetProviders")}</SelectLabel>
                  {(providers.data ?? []).map((provider) => (
                    <SelectItem key={provider.id} value={`p:${provider.id}`}>
                      {t("debug.targetProvider", { name: provider.name })}
                    </SelectItem>
                  ))}
                </SelectGroup>
              </SelectContent>
            </Select>
          </FormField>
          <FormField label={t("debug.model")} hint={t("debug.modelHint", { model: log.model ?? "—" })}>
            <FormControl>
              <Input
                value={model}
                placeholder={log.model ?? ""}
                onChange={(event) => setModel(event.target.value)}
                disabled={sending}
              />
            </FormControl>
          </FormField>
        </div>
        <FormField
          label={t(jsonBody ? "debug.body" : "debug.bodyText")}
          error={errors.body}
          hint={captured?.truncated ? t("debug.bodyTruncated") : t("debug.bodyHint")}
        >
          <FormControl>
            <Textarea
              className="max-h-72 min-h-32 font-mono text-xs"
              spellCheck={false}
              value={bodyText}
              onChange={(event) => setBodyText(event.target.value)}
              disabled={sending}
            />
          </FormControl>
        </FormField>
        <FormField label={t("debug.headers")} error={errors.headers} hint={t("debug.headersHint")}>
          <FormControl>
            <Textarea
              className="min-h-16 font-mono text-xs"
              spellCheck={false}
              value={headersText}
              onChange={(event) => setHeadersText(event.target.value)}
              disabled={sending}
            />
          </FormControl>
        </FormField>
        <FormField label={t("debug.stream")} inline hint={t("debug.streamHint")}>
          <FormControl>
            <Switch checked={stream} onCheckedChange={setStream} disabled={sending} />
          </FormControl>
        </FormField>
        <FormError>{formError}</FormError>
        <div className="flex flex-wrap justify-end gap-2">
          {sending && (
            <Button type="button" variant="outline" onClick={() => abort.current?.abort()}>
              {t("debug.stop")}
            </Button>
          )}
          <Button type="submit" disabled={sending}>
            {sending ? <LoaderCircleIcon className="animate-spin" aria-hidden /> : <SendIcon aria-hidden />}
            {phase.name === "done" ? t("debug.sendAgain") : t("debug.send")}
          </Button>
        </div>
      </form>
      {phase.name !== "editing" && (
        <ReplayOutput
          originalId={log.id}
          progress={phase.name === "sending" ? phase.progress : undefined}
          result={phase.name === "done" ? phase.result : undefined}
        />
      )}
    </div>
  );
}
