/**
 * The notification channel form, derived from the channel table (`@/core/vocabulary/alert-channels`):
 * text values for every settings field name (a name means the same in every channel type, so what
 * was typed survives switching the type), a "remove" box per optional secret, the create / update
 * payloads (secrets and URLs are write-only) and the form schema (the contract's rules on the form's
 * fields). Pure: no React, no I/O.
 */
import { z } from "zod";
import {
  alertChannelCreateSchema,
  alertChannelUpdateSchema,
  type AlertChannel,
  type AlertChannelCreateInput,
  type AlertChannelUpdateInput,
} from "@/contracts/alerts";
import {
  ALERT_CHANNEL_TYPES,
  channelViewKey,
  listChannelFields,
  type AlertChannelType,
  type ChannelChoiceOption,
  type ChannelFieldKind,
  type ChannelFieldName,
  type ChannelFieldNameOfKind,
  type ChannelFieldSpec,
} from "@/core/vocabulary/alert-channels";
import { reportContractIssues, reportMissingValues } from "../forms/contract-issues";
import { parseNumberText } from "./rule-form-model";

/** An optional secret: it can be removed, not only replaced. */
export type ClearableField = ChannelFieldNameOfKind<"secret">;
/** The "remove the stored value" box of an optional secret. */
export type ClearField = `clear${Capitalize<ClearableField>}`;

/**
 * The form's values: every settings field as typed (numbers and lists too), plus one "remove" box per
 * optional secret. Write-only fields (URLs, secrets) start blank on edit: blank keeps the stored value.
 */
export type ChannelFormValues = { name: string; enabled: boolean; type: AlertChannelType } & {
  [N in ChannelFieldName]: string;
} & { [N in ClearField]: boolean };
export type ChannelField = keyof ChannelFormValues;

/** Every settings field once, in table order, with its spec. */
const FORM_FIELDS: ReadonlyMap<ChannelFieldName, ChannelFieldSpec> = new Map(
  ALERT_CHANNEL_TYPES.flatMap((type) => listChannelFields(type)),
);

/** The name of an optional secret's "remove" box. */
export function clearFieldOf(name: ClearableField): ClearField {
  return `clear${name.charAt(0).toUpperCase()}${name.slice(1)}` as ClearField;
}

// Message keys are built from the table's names, so a field without both catalogues' texts does not
// compile: `alerts.field{Name}` (label), `alerts.{name}_{option}` (a choice's option), `alerts.clear{Name}`.
type ChoiceField = ChannelFieldNameOfKind<"choice">;
type OptionKey = { [N in ChoiceField]: `alerts.${N}_${ChannelChoiceOption<N>}` }[ChoiceField];

/** The message key of a field's label. */
export function fieldLabelKey(name: ChannelFieldName): `alerts.field${Capitalize<ChannelFieldName>}` {
  return `alerts.field${name.charAt(0).toUpperCase()}${name.slice(1)}` as `alerts.field${Capitalize<ChannelFieldName>}`;
}

/** The message key of one option of a choice field. */
export function optionLabelKey(name: ChoiceField, option: string): OptionKey {
  return `alerts.${name}_${option}` as OptionKey;
}

/** The message key of an optional secret's "remove" box. */
export function clearLabelKey(name: ClearableField): `alerts.${ClearField}` {
  return `alerts.${clearFieldOf(name)}`;
}

/** A blank channel of the first type. */
export function emptyChannelForm(): ChannelFormValues {
  const values: Record<string, string | boolean> = { name: "", enabled: true, type: ALERT_CHANNEL_TYPES[0] };
  for (const [name, spec] of FORM_FIELDS) {
    values[name] = spec.kind === "port" || spec.kind === "choice" ? String(spec.default) : "";
    if (spec.kind === "secret") values[clearFieldOf(name as ClearableField)] = false;
  }
  return values as ChannelFormValues;
}

/** What the form shows for a field of an existing channel (write-only fields stay blank). */
function shownText(spec: ChannelFieldSpec, shown: unknown): string {
  if (spec.kind === "secretUrl" || spec.kind === "secret") return "";
  if (Array.isArray(shown)) return shown.join(", ");
  return shown === null || shown === undefined ? "" : String(shown);
}

/** The form state of an existing channel. */
export function channelToForm(channel: AlertChannel): ChannelFormValues {
  const values: Record<string, unknown> = {
    ...emptyChannelForm(),
    name: channel.name,
    enabled: channel.enabled,
    type: channel.type,
  };
  const view: Readonly<Record<string, unknown>> = channel.config;
  for (const [name, spec] of listChannelFields(channel.type)) {
    values[name] = shownText(spec, view[channelViewKey(name, spec)]);
  }
  return values as ChannelFormValues;
}

function recipients(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** A write-only value: blank keeps it on edit (undefined), is none on create (null). */
function writeOnly(text: string, clear: boolean, editing: boolean): string | null | undefined {
  if (clear) return null;
  if (text !== "") return text;
  return editing ? undefined : null;
}

/** The API value of one field as typed; undefined leaves it out (keeps the stored value). */
function payloadValue(spec: ChannelFieldSpec, text: string, clear: boolean, editing: boolean): unknown {
  switch (spec.kind) {
    case "secretUrl":
      return text.trim() === "" && editing ? undefined : text.trim();
    case "secret":
      return writeOnly(text, clear, editing);
    case "port":
      return parseNumberText(text);
    case "choice":
      return text;
    case "optionalText":
      return text.trim() === "" ? null : text.trim();
    case "emailList":
      return recipients(text);
    case "host":
    case "email":
      return text.trim();
  }
}

function channelConfig(v: ChannelFormValues, editing: boolean): Record<string, unknown> {
  const values: Readonly<Record<string, unknown>> = v;
  const config: Record<string, unknown> = { type: v.type };
  for (const [name, spec] of listChannelFields(v.type)) {
    const clear = spec.kind === "secret" && values[clearFieldOf(name as ClearableField)] === true;
    const value = payloadValue(spec, String(values[name] ?? ""), clear, editing);
    if (value !== undefined) config[name] = value;
  }
  return config;
}

/** The create payload of a channel form. */
export function toChannelCreatePayload(v: ChannelFormValues): AlertChannelCreateInput {
  return {
    name: v.name,
    enabled: v.enabled,
    config: channelConfig(v, false) as AlertChannelCreateInput["config"],
  };
}

/** The update payload of a channel form (blank write-only fields keep their stored values). */
export function toChannelUpdatePayload(v: ChannelFormValues): AlertChannelUpdateInput {
  return {
    name: v.name,
    enabled: v.enabled,
    config: channelConfig(v, true) as AlertChannelUpdateInput["config"],
  };
}

/** The channel form field an API / contract issue path (`config.to[1]`) concerns. */
export function channelFieldOf(path: string): ChannelField | undefined {
  const [head, next = ""] = path.split(/[.[]/);
  if (head === "name") return "name";
  return head === "config" && FORM_FIELDS.has(next as ChannelFieldName)
    ? (next as ChannelFieldName)
    : undefined;
}

const formFieldSchemas = Object.fromEntries(
  [...FORM_FIELDS].flatMap(([name, spec]) => [
    [name, z.string()],
    ...(spec.kind === "secret" ? [[clearFieldOf(name as ClearableField), z.boolean()]] : []),
  ]),
) as { [N in ChannelFieldName]: z.ZodString } & { [N in ClearField]: z.ZodBoolean };

const channelFormShape = z.object({
  name: z.string(),
  enabled: z.boolean(),
  type: z.enum(ALERT_CHANNEL_TYPES),
  ...formFieldSchemas,
});

// Short kinds share a row with a neighbour; a URL or a recipient list takes the whole width.
const HALF_WIDTH: ReadonlySet<ChannelFieldKind> = new Set([
  "host",
  "port",
  "choice",
  "optionalText",
  "secret",
  "email",
]);

/** The fields of `type` in order, each `wide` unless two short ones in a row share a line. */
export function layoutChannelFields(
  type: AlertChannelType,
): { name: ChannelFieldName; spec: ChannelFieldSpec; wide: boolean }[] {
  const rows: { name: ChannelFieldName; spec: ChannelFieldSpec; wide: boolean }[] = [];
  let single: { wide: boolean } | null = null;
  for (const [name, spec] of listChannelFields(type)) {
    const entry = { name, spec, wide: true };
    if (!HALF_WIDTH.has(spec.kind)) single = null;
    else if (single === null) single = entry;
    else {
      single.wide = false;
      entry.wide = false;
      single = null;
    }
    rows.push(entry);
  }
  return rows;
}

/** Number fields left blank: "Required." rather than the contract's "expected a number". */
function blankNumbers(values: ChannelFormValues): ChannelFieldName[] {
  const texts: Readonly<Record<string, unknown>> = values;
  return listChannelFields(values.type)
    .filter(([name, spec]) => spec.kind === "port" && String(texts[name] ?? "").trim() === "")
    .map(([name]) => name);
}

/**
 * The channel dialog's schema: the payload for a new channel (or an edit of one) checked with the
 * API's channel contract, problems on the fields that show them; gives the payload to send.
 */
export function createChannelFormSchema(editing: boolean) {
  const toPayload = editing ? toChannelUpdatePayload : toChannelCreatePayload;
  const contract = editing ? alertChannelUpdateSchema : alertChannelCreateSchema;
  return channelFormShape
    .superRefine((values, ctx) => {
      const blank = reportMissingValues(ctx, blankNumbers(values));
      const target = (path: string) => {
        const field = channelFieldOf(path);
        return field ? { field } : undefined;
      };
      reportContractIssues(ctx, contract, toPayload(values), target, blank);
    })
    .transform((values): AlertChannelCreateInput | AlertChannelUpdateInput => toPayload(values));
}
