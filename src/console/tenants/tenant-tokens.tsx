"use client";

import { useMemo, useState } from "react";
import { KeyRoundIcon, Trash2Icon } from "lucide-react";
import type { TenantToken, TenantTokenCreated } from "@/contracts/tenants";
import { TENANT_TOKEN_ROLES } from "@/core/vocabulary/tenants";
import { Button } from "@/components/ui/button";
import { CardDescription, CardTitle } from "@/components/ui/card";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog } from "../forms/form-dialog";
import { InputField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { RelativeTime } from "../relative-time";
import { SecretCreatedDialog } from "../secret-created-dialog";
import { TableCard } from "../resource-list/table-card";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { createTenantToken, revokeTenantToken, selectTokens, tokenWithoutSecret } from "./tenant-api";
import { localizeTenantIssue, tokenFormSchema, type TokenFormValues } from "./tenant-form-model";

/** A tenant's admin tokens (`rbt-…`, for automation): create (shown once), list masked, revoke. */
export function TenantTokens({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const t = useT();
  const now = useNow();
  const query = useApiQuery(endpoints.tenantTokens(tenantId), selectTokens);
  const creating = useDialogSubject<never>();
  const revoking = useDialogSubject<TenantToken>();
  const [created, setCreated] = useState<TenantTokenCreated | null>(null);
  const { setData } = query;
  const tokens = query.data ?? [];

  return (
    <section className="flex flex-col gap-3" aria-labelledby="tenant-tokens-title">
      <div className="flex items-end justify-between gap-3">
        <div className="flex flex-col gap-1">
          <CardTitle id="tenant-tokens-title">{t("tenants.tokensTitle")}</CardTitle>
          <CardDescription>{t("tenants.tokensDescription")}</CardDescription>
        </div>
        {canEdit && (
          <Button variant="outline" onClick={() => creating.show()}>
            <KeyRoundIcon aria-hidden />
            {t("tenants.addToken")}
          </Button>
        )}
      </div>
      <TableCard
        data-testid="tenant-tokens"
        loading={query.isLoading}
        skeletonRows={2}
        skeletonClassName="h-6"
        columns={[
          { label: t("tenants.columnToken"), className: "w-full" },
          { label: t("tenants.columnRole") },
          { label: t("tenants.columnLastUsed"), className: "hidden sm:table-cell" },
          { label: t("common.actions"), srOnly: true, className: "w-12" },
        ]}
      >
        {tokens.length === 0 ? (
          <TableRow>
            <TableCell colSpan={4} className="text-sm text-muted-foreground">
              {query.error ? query.error.message : t("tenants.noTokens")}
            </TableCell>
          </TableRow>
        ) : (
          tokens.map((token) => (
            <TableRow key={token.id} data-testid="tenant-token-row">
              <TableCell className="max-w-0">
                <p className="truncate font-medium">{token.name}</p>
                <p className="truncate font-mono text-xs text-muted-foreground">{token.tokenMasked}</p>
              </TableCell>
              <TableCell>{t(`roles.${token.role}`)}</TableCell>
              <TableCell className="hidden text-muted-foreground sm:table-cell">
                {token.lastUsedAt ? (
                  <RelativeTime iso={token.lastUsedAt} now={now} />
                ) : (
                  t("tenants.neverUsed")
                )}
              </TableCell>
              <TableCell className="text-right">
                {canEdit && (
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={t("tenants.revokeTokenLabel", { name: token.name })}
                    onClick={() => revoking.show(token)}
                  >
                    <Trash2Icon aria-hidden />
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))
        )}
      </TableCard>

      <FormDialog
        open={creating.open}
        onOpenChange={creating.setOpen}
        className="sm:max-w-md"
        title={t("tenants.addTokenTitle")}
        description={t("tenants.addTokenDescription")}
      >
        <TokenForm
          tenantId={tenantId}
          onCancel={() => creating.setOpen(false)}
          onCreated={(result) => {
            setData((rows) => [...(rows ?? []), tokenWithoutSecret(result)]);
            creating.setOpen(false);
            setCreated(result);
          }}
        />
      </FormDialog>
      <TokenCreatedDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking.open}
        onOpenChange={revoking.setOpen}
        destructive
        title={t("tenants.revokeTokenTitle", { name: revoking.subject?.name ?? "" })}
        description={t("tenants.revokeTokenText")}
        confirmLabel={t("tenants.revokeToken")}
        onConfirm={async () => {
          const token = revoking.subject;
          if (!token) return;
          await revokeTenantToken(tenantId, token.id);
          setData((rows) => rows?.filter((x) => x.id !== token.id));
          revoking.setOpen(false);
          toast.success(t("tenants.tokenRevoked", { name: token.name }));
        }}
      />
    </section>
  );
}

function TokenForm({
  tenantId,
  onCancel,
  onCreated,
}: {
  tenantId: string;
  onCancel: () => void;
  onCreated: (token: TenantTokenCreated) => void;
}) {
  const t = useT();
  const { form, onSubmit, formError, busy } = useDialogForm<TokenFormValues, TokenFormValues>({
    schema: tokenFormSchema,
    localize: localizeTenantIssue,
    defaultValues: { name: "", role: "admin" },
    submit: async (values) => onCreated(await createTenantToken(tenantId, values)),
    serverFields: ["name", "role"],
  });
  const { errors } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("tenants.fieldTokenName")}
        hint={t("tenants.fieldTokenNameHint")}
        error={errors.name?.message}
        required
        autoComplete="off"
        autoFocus
        {...form.register("name")}
      />
      <SelectField
        control={form.control}
        name="role"
        label={t("tenants.fieldRole")}
        options={TENANT_TOKEN_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={t("common.create")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}

/** The new token, shown this once (see SecretCreatedDialog). */
function TokenCreatedDialog({
  created,
  onClose,
}: {
  created: TenantTokenCreated | null;
  onClose: () => void;
}) {
  const t = useT();
  const secret = useMemo(() => created && { name: created.name, value: created.token }, [created]);
  return (
    <SecretCreatedDialog
      created={secret}
      testId="created-token"
      onClose={onClose}
      text={{
        title: (name) => t("tenants.tokenCreatedTitle", { name }),
        description: t("tenants.tokenCreatedDescription"),
        warning: t("tenants.tokenCreatedWarning"),
        copyLabel: t("tenants.copyToken"),
        copiedMessage: t("tenants.tokenCopied"),
        done: t("apiKeys.createdDone"),
        doneUncopied: t("tenants.tokenSaved"),
      }}
    />
  );
}
