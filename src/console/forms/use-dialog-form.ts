"use client";

import { useMemo, useState } from "react";
import {
  useForm,
  type DefaultValues,
  type FieldPath,
  type FieldValues,
  type UseFormReturn,
} from "react-hook-form";
import type { z } from "zod";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { describeError } from "../describe-error";
import { placeServerError, type ServerErrorPlacement } from "./server-errors";
import { zodFormResolver, type FormIssue } from "./zod-form-resolver";

export interface DialogFormOptions<V extends FieldValues, P> extends Omit<
  ServerErrorPlacement<V>,
  "mapServerPath"
> {
  /** Form values in, API payload out; memoize it (a new schema each render rebuilds the resolver). */
  schema: z.ZodType<P, unknown>;
  /** A module-level function: the localized message of an issue, undefined to keep the schema's. */
  localize: (t: Translate, issue: FormIssue) => string | undefined;
  defaultValues: DefaultValues<V>;
  /** Sends the payload and hands the result on; a throw shows as field or form errors. */
  submit: (payload: P) => Promise<void>;
  /**
   * Where server issue paths other than `serverFields` (`condition.windowMs`) land; gets the values
   * as submitted, for paths that name a row by its content (`headers.X-Foo`).
   */
  mapServerPath?: (apiPath: string, values: V) => FieldPath<V> | undefined;
}

/**
 * A dialog's react-hook-form form, validated on submit with `schema`: server VALIDATION_FAILED issues
 * and the `codeFields` codes go on their fields, any other failure becomes `formError`. `busy` holds
 * from submit until the dialog closes after a success, so a second click cannot send twice.
 */
export function useDialogForm<V extends FieldValues, P>({
  schema,
  localize,
  defaultValues,
  submit,
  serverFields,
  mapServerPath,
  codeFields,
}: DialogFormOptions<V, P>): {
  form: UseFormReturn<V, unknown, P>;
  onSubmit: () => Promise<void>;
  formError: string | null;
  busy: boolean;
} {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const resolver = useMemo(
    () => zodFormResolver<V, P>(schema, (issue) => localize(t, issue)),
    [schema, localize, t],
  );
  const form = useForm<V, unknown, P>({ resolver, defaultValues });
  const onSubmit = form.handleSubmit(async (payload) => {
    setFormError(null);
    const values = form.getValues();
    try {
      await submit(payload);
      setDone(true);
    } catch (error) {
      const placed = placeServerError(error, form.setError, {
        serverFields,
        mapServerPath: mapServerPath && ((path) => mapServerPath(path, values)),
        codeFields,
      });
      if (placed === 0) setFormError(describeError(t, error));
    }
  });
  return { form, onSubmit, formError, busy: form.formState.isSubmitting || done };
}
