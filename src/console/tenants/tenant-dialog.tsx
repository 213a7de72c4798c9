"use client";

import { useState } from "react";
import type { Tenant } from "@/contracts/tenants";
import { useT } from "@/i18n/i18n-provider";
import { FormError } from "../form-error";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { slugFromName } from "../groups/group-form-model";
import { createTenant, updateTenant } from "./tenant-api";
import { localizeTenantIssue, tenantFormSchema, type TenantFormValues } from "./tenant-form-model";

/** Creates a tenant ({name, slug}, the slug suggested from the name) or renames one. */
export function TenantDialog({
  open,
  onOpenChange,
  tenant,
  onSaved,
}: DialogOpenProps & { tenant?: Tenant; onSaved: (tenant: Tenant, created: boolean) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-lg"
      title={tenant ? t("tenants.editTitle", { name: tenant.name }) : t("tenants.createTitle")}
      description={tenant ? t("tenants.editDescription") : t("tenants.createDescription")}
    >
      <TenantForm tenant={tenant} onCancel={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  );
}

function TenantForm({
  tenant,
  onCancel,
  onSaved,
}: {
  tenant?: Tenant;
  onCancel: () => void;
  onSaved: (tenant: Tenant, created: boolean) => void;
}) {
  const t = useT();
  const [slugTouched, setSlugTouched] = useState(tenant !== undefined);
  const { form, onSubmit, formError, busy } = useDialogForm<TenantFormValues, TenantFormValues>({
    schema: tenantFormSchema,
    localize: localizeTenantIssue,
    defaultValues: { name: tenant?.name ?? "", slug: tenant?.slug ?? "" },
    submit: async (values) => {
      if (tenant) {
        const changes: Partial<TenantFormValues> = {};
        if (values.name !== tenant.name) changes.name = values.name;
        if (values.slug !== tenant.slug) changes.slug = values.slug;
        onSaved(await updateTenant(tenant.id, changes), false);
      } else {
        onSaved(await createTenant(values), true);
      }
    },
    serverFields: ["name", "slug"],
    codeFields: { TENANT_SLUG_TAKEN: { field: "slug", message: t("tenants.slugTaken") } },
  });
  const { register, setValue, formState } = form;
  const { errors } = formState;
  const nameField = register("name", {
    onChange: (event: { target: { value: string } }) => {
      if (!slugTouched) setValue("slug", slugFromName(event.target.value));
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("tenants.fieldName")}
        error={errors.name?.message}
        required
        autoComplete="off"
        autoFocus
        {...nameField}
      />
      <InputField
        label={t("tenants.fieldSlug")}
        hint={t("tenants.fieldSlugHint")}
        error={errors.slug?.message}
        required
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...register("slug", { onChange: () => setSlugTouched(true) })}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={tenant ? t("common.save") : t("common.create")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
