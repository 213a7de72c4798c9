"use client";

import { createContext, useContext, useId, type ComponentProps, type ReactNode } from "react";
import { Slot } from "radix-ui";
import { Label } from "./label";
import { cn } from "./cn";

interface FieldIds {
  controlId: string;
  hintId: string;
  errorId: string;
  hasHint: boolean;
  error: string | undefined;
}

const FieldContext = createContext<FieldIds | null>(null);

export type FormFieldProps = Omit<ComponentProps<"div">, "children"> & {
  label: ReactNode;
  /** Help text under the control. */
  hint?: ReactNode;
  /** The already-translated error message; the control is marked invalid while it is set. */
  error?: string;
  /** Shows a discreet marker after the label. */
  required?: boolean;
  /** Puts the label and control on one row (switches, checkboxes). */
  inline?: boolean;
  /** Use an id you chose instead of a generated one. */
  controlId?: string;
  children: ReactNode;
};

/** A labelled form row: label, control (wrap it in FormControl), hint and error text, all wired for screen readers. */
export function FormField({
  label,
  hint,
  error,
  required,
  inline = false,
  controlId,
  className,
  children,
  ...props
}: FormFieldProps) {
  const generated = useId();
  const ids: FieldIds = {
    controlId: controlId ?? `${generated}-control`,
    hintId: `${generated}-hint`,
    errorId: `${generated}-error`,
    hasHint: hint !== undefined && hint !== null,
    error,
  };
  return (
    <FieldContext.Provider value={ids}>
      <div
        data-slot="form-field"
        data-invalid={error ? true : undefined}
        className={cn("group/field grid gap-2", className)}
        {...props}
      >
        {inline ? (
          <div className="flex items-center justify-between gap-4">
            <Label htmlFor={ids.controlId} className="leading-snug">
              {label}
            </Label>
            {children}
          </div>
        ) : (
          <>
            <Label htmlFor={ids.controlId} className="group-data-[invalid=true]/field:text-destructive">
              {label}
              {required && (
                <span aria-hidden className="text-destructive">
                  *
                </span>
              )}
            </Label>
            {children}
          </>
        )}
        {ids.hasHint && (
          <p id={ids.hintId} className="text-xs text-muted-foreground">
            {hint}
          </p>
        )}
        {error && (
          <p id={ids.errorId} role="alert" className="text-xs font-medium text-destructive">
            {error}
          </p>
        )}
      </div>
    </FieldContext.Provider>
  );
}

/** Passes the field's id, aria-invalid and aria-describedby to its single child control. */
export function FormControl(props: ComponentProps<typeof Slot.Root>) {
  const field = useContext(FieldContext);
  if (!field) return <Slot.Root {...props} />;
  const describedBy = [field.hasHint ? field.hintId : null, field.error ? field.errorId : null]
    .filter(Boolean)
    .join(" ");
  return (
    <Slot.Root
      id={field.controlId}
      aria-invalid={field.error ? true : undefined}
      aria-describedby={describedBy || undefined}
      {...props}
    />
  );
}
