"use client";

import { useState, type FormEvent } from "react";
import { LoaderCircleIcon } from "lucide-react";
import type { ProviderHealth } from "@/contracts/health";
import { providerEjectSchema } from "@/contracts/health";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { useOpening } from "../observability/use-opening";
import { ejectProvider } from "./health-api";

const MINUTE = 60_000;
const DURATIONS: { value: string; ms: number | undefined; label: MessageKey }[] = [
  { value: "5m", ms: 5 * MINUTE, label: "health.duration5m" },
  { value: "15m", ms: 15 * MINUTE, label: "health.duration15m" },
  { value: "1h", ms: 60 * MINUTE, label: "health.duration1h" },
  { value: "6h", ms: 6 * 60 * MINUTE, label: "health.duration6h" },
  { value: "24h", ms: 24 * 60 * MINUTE, label: "health.duration24h" },
  { value: "manual", ms: undefined, label: "health.durationManual" },
];

/** Manual ejection: why (audited) and for how long. */
export function EjectDialog({
  provider,
  open,
  onOpenChange,
  onEjected,
}: {
  provider: ProviderHealth | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onEjected: (health: ProviderHealth) => void;
}) {
  const t = useT();
  const opening = useOpening(open);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("health.ejectTitle", { name: provider?.name ?? "" })}</DialogTitle>
          <DialogDescription>{t("health.ejectDescription")}</DialogDescription>
        </DialogHeader>
        {provider && (
          <EjectForm
            key={opening}
            provider={provider}
            onCancel={() => onOpenChange(false)}
            onEjected={onEjected}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

function EjectForm({
  provider,
  onCancel,
  onEjected,
}: {
  provider: ProviderHealth;
  onCancel: () => void;
  onEjected: (health: ProviderHealth) => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState("15m");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ms = DURATIONS.find((d) => d.value === duration)?.ms;
    const parsed = providerEjectSchema.safeParse({ reason, durationMs: ms });
    if (!parsed.success) {
      setReasonError(t("health.reasonRequired"));
      return;
    }
    setReasonError(undefined);
    setFormError(null);
    setBusy(true);
    try {
      onEjected(await ejectProvider(provider.providerId, parsed.data.reason, ms));
    } catch (error) {
      setFormError(describeError(t, error));
      setBusy(false);
    }
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <FormField label={t("health.reason")} error={reasonError} required hint={t("health.reasonHint")}>
        <FormControl>
          <Textarea
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={500}
          />
        </FormControl>
      </FormField>
      <FormField label={t("health.duration")}>
        <Select value={duration} onValueChange={setDuration}>
          <FormControl>
            <SelectTrigger className="w-full">
              <SelectValue />
            </SelectTrigger>
          </FormControl>
          <SelectContent>
            {DURATIONS.map((option) => (
              <SelectItem key={option.value} value={option.value}>
                {t(option.label)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel} disabled={busy}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" variant="destructive" disabled={busy}>
          {busy && <LoaderCircleIcon className="animate-spin" aria-hidden />}
          {t("health.eject")}
        </Button>
      </DialogFooter>
    </form>
  );
}
