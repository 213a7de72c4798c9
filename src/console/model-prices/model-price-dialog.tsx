"use client";

import type { ModelPrice, ModelPriceCreateInput } from "@/contracts/model-prices";
import { useT } from "@/i18n/i18n-provider";
import { FormError } from "../form-error";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { createModelPrice, updateModelPrice } from "./model-price-api";
import {
  localizeModelPriceIssue,
  modelPriceFormSchema,
  modelPriceToFormValues,
  type ModelPriceFormValues,
} from "./model-price-form-model";

const PRICE_FIELDS = [
  { name: "inputPerMTok", label: "modelPrices.fieldInput", hint: undefined },
  { name: "outputPerMTok", label: "modelPrices.fieldOutput", hint: undefined },
  { name: "cacheReadPerMTok", label: "modelPrices.fieldCacheRead", hint: "modelPrices.fieldCacheHint" },
  { name: "cacheWritePerMTok", label: "modelPrices.fieldCacheWrite", hint: "modelPrices.fieldCacheHint" },
] as const;

/** Adds or edits one price: model name or glob, and USD per million tokens. */
export function ModelPriceDialog({
  open,
  onOpenChange,
  price,
  onSaved,
}: DialogOpenProps & { price?: ModelPrice; onSaved: (price: ModelPrice, created: boolean) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-lg"
      title={price ? t("modelPrices.editTitle", { model: price.model }) : t("modelPrices.createTitle")}
      description={t("modelPrices.dialogDescription")}
    >
      <PriceForm price={price} onCancel={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  );
}

function PriceForm({
  price,
  onCancel,
  onSaved,
}: {
  price?: ModelPrice;
  onCancel: () => void;
  onSaved: (price: ModelPrice, created: boolean) => void;
}) {
  const t = useT();
  const { form, onSubmit, formError, busy } = useDialogForm<ModelPriceFormValues, ModelPriceCreateInput>({
    schema: modelPriceFormSchema,
    localize: localizeModelPriceIssue,
    defaultValues: modelPriceToFormValues(price),
    submit: async (payload) =>
      price
        ? onSaved(await updateModelPrice(price.id, payload), false)
        : onSaved(await createModelPrice(payload), true),
    serverFields: ["model", "inputPerMTok", "outputPerMTok", "cacheReadPerMTok", "cacheWritePerMTok"],
    codeFields: { MODEL_PRICE_EXISTS: { field: "model", message: t("modelPrices.exists") } },
  });
  const { errors } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("modelPrices.fieldModel")}
        hint={t("modelPrices.fieldModelHint")}
        error={errors.model?.message}
        required
        autoComplete="off"
        spellCheck={false}
        autoFocus
        className="font-mono"
        {...form.register("model")}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        {PRICE_FIELDS.map((field) => (
          <InputField
            key={field.name}
            label={t(field.label)}
            hint={field.hint ? t(field.hint) : undefined}
            error={errors[field.name]?.message}
            required={field.hint === undefined}
            inputMode="decimal"
            autoComplete="off"
            {...form.register(field.name)}
          />
        ))}
      </div>
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={price ? t("common.save") : t("common.create")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
