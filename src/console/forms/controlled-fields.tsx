"use client";

import { Fragment, type ReactNode } from "react";
import { useController, type Control, type FieldPath, type FieldValues } from "react-hook-form";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectSeparator,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";

/** What every form-bound field takes: the form's control and the field's name, its label and hint. */
interface BoundFieldProps<T extends FieldValues, TOut> {
  control: Control<T, unknown, TOut>;
  name: FieldPath<T>;
  label: string;
  hint?: ReactNode;
}

/** One choice of a SelectField. */
export interface SelectOption {
  value: string;
  label: ReactNode;
  /** Draws a divider above this choice, between groups of choices. */
  separatorBefore?: boolean;
}

/** A labelled select bound to a string field of a react-hook-form form; shows the field's error. */
export function SelectField<T extends FieldValues, TOut = T>({
  control,
  name,
  label,
  hint,
  options,
  placeholder,
  required,
  disabled,
}: BoundFieldProps<T, TOut> & {
  options: readonly SelectOption[];
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
}) {
  // Taken apart so the ref stays a ref: the compiler lint treats the whole `field` as one otherwise.
  const {
    field: { ref, value, onChange, onBlur },
    fieldState,
  } = useController({ control, name });
  return (
    <FormField label={label} hint={hint} required={required} error={fieldState.error?.message}>
      <Select value={String(value ?? "")} onValueChange={onChange} disabled={disabled}>
        <FormControl>
          <SelectTrigger className="w-full" onBlur={onBlur} ref={ref}>
            <SelectValue placeholder={placeholder} />
          </SelectTrigger>
        </FormControl>
        <SelectContent>
          {options.map((option) => (
            <Fragment key={option.value}>
              {option.separatorBefore && <SelectSeparator />}
              <SelectItem value={option.value}>{option.label}</SelectItem>
            </Fragment>
          ))}
        </SelectContent>
      </Select>
    </FormField>
  );
}

/** A labelled number input bound to a text field of a form (typed text, converted on submit). */
export function NumberField<T extends FieldValues, TOut = T>({
  control,
  name,
  label,
  hint,
  step = "1",
}: BoundFieldProps<T, TOut> & { step?: string }) {
  const {
    field: { ref, value, onChange, onBlur },
    fieldState,
  } = useController({ control, name });
  return (
    <FormField label={label} hint={hint} error={fieldState.error?.message}>
      <FormControl>
        <Input
          type="number"
          inputMode="decimal"
          step={step}
          name={name}
          value={String(value ?? "")}
          onChange={onChange}
          onBlur={onBlur}
          ref={ref}
        />
      </FormControl>
    </FormField>
  );
}

/** A labelled on/off switch on one row, bound to a boolean field of a form. */
export function SwitchField<T extends FieldValues, TOut = T>({
  control,
  name,
  label,
  hint,
  className,
}: BoundFieldProps<T, TOut> & { className?: string }) {
  const { field } = useController({ control, name });
  return (
    <FormField label={label} hint={hint} className={className} inline>
      <FormControl>
        <Switch checked={field.value === true} onCheckedChange={field.onChange} onBlur={field.onBlur} />
      </FormControl>
    </FormField>
  );
}
