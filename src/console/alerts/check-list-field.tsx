"use client";

import { useId } from "react";
import { useController, type Control, type FieldPath, type FieldValues } from "react-hook-form";
import { Checkbox } from "@/components/ui/checkbox";
import { cn } from "@/components/ui/cn";

/**
 * A set of checkboxes bound to a list-of-ids field of a form (providers, channels, states), with
 * the field's error under it. `boxed` lists long option sets in a scrolling box.
 */
export function CheckListField<T extends FieldValues, TOut = T>({
  control,
  name,
  legend,
  hint,
  options,
  boxed = true,
}: {
  control: Control<T, unknown, TOut>;
  name: FieldPath<T>;
  legend: string;
  hint?: string;
  options: readonly { id: string; label: string }[];
  boxed?: boolean;
}) {
  const { field, fieldState } = useController({ control, name });
  const errorId = useId();
  const value: readonly string[] = Array.isArray(field.value) ? field.value : [];
  const error = fieldState.error?.message;
  const toggle = (id: string, checked: boolean) =>
    field.onChange(checked ? [...value, id] : value.filter((item) => item !== id));
  return (
    <fieldset className="grid gap-2" aria-describedby={error ? errorId : undefined}>
      <legend className={cn("text-sm font-medium", boxed ? "mb-1" : "mb-2")}>{legend}</legend>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {options.length > 0 && (
        <div
          className={
            boxed
              ? "grid max-h-36 gap-2 overflow-y-auto rounded-md border p-2 sm:grid-cols-2"
              : "flex flex-wrap gap-4"
          }
        >
          {options.map((option, index) => (
            <label key={option.id} className="flex min-w-0 items-center gap-2 text-sm">
              <Checkbox
                ref={index === 0 ? field.ref : undefined}
                checked={value.includes(option.id)}
                aria-invalid={error ? true : undefined}
                onCheckedChange={(checked) => toggle(option.id, checked === true)}
                onBlur={field.onBlur}
              />
              <span className="truncate">{option.label}</span>
            </label>
          ))}
        </div>
      )}
      {error && (
        <p id={errorId} role="alert" className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </fieldset>
  );
}
