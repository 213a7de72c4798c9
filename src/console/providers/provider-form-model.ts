import { z } from "zod";
import {
  authStyleSchema,
  FORBIDDEN_PROVIDER_HEADERS,
  healthCheckPathSchema,
  providerApiKeySchema,
  providerCreateObjectSchema,
  providerConcurrencySchema,
  providerHeadersSchema,
  providerRateLimitSchema,
  type Provider,
  type ProviderCreateInput,
  type ProviderUpdateInput,
} from "@/contracts/providers";
import {
  AUTH_STYLE_HEADER_PREFIX,
  AUTH_STYLES,
  DEFAULT_AUTH_STYLE,
  defaultAuthStyleFor,
  type AuthStyle,
} from "@/core/vocabulary/providers";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import {
  formatModelList,
  localizeModelIssue,
  modelListTextSchema,
  parseModelList,
  sameModelList,
} from "../forms/model-fields";
import type { FormIssue } from "../forms/zod-form-resolver";

/** What the provider dialog edits: strings as typed, headers as rows. */
export interface ProviderFormValues {
  name: string;
  baseUrl: string;
  /** A fixed style, or `header` with the header named in `authHeaderName`. */
  authStyle: AuthStyleChoice;
  /** With `authStyle: "header"`: the header the credential is sent in. */
  authHeaderName: string;
  /** A new credential; empty keeps the stored one (edit) or stores none (create). */
  apiKey: string;
  /** Edit only: clear the stored credential. */
  removeApiKey: boolean;
  weight: number;
  enabled: boolean;
  healthCheckPath: string;
  headers: { name: string; value: string }[];
  description: string;
  /** Requests per minute across every instance, as typed; empty = no cap. */
  rateLimitPerMinute: string;
  /** Requests in flight across every instance, as typed; empty = no cap. */
  maxConcurrency: string;
  /** One model name or glob per line; empty = every model. */
  models: string;
}

export type ProviderFormMode = "create" | "edit";

/** The choices of the auth style select: the fixed styles and "another header". */
export const AUTH_STYLE_CHOICES = [...AUTH_STYLES, "header"] as const;
export type AuthStyleChoice = (typeof AUTH_STYLE_CHOICES)[number];

/** The select choice and header name of a stored auth style. */
function splitAuthStyle(style: AuthStyle): { authStyle: AuthStyleChoice; authHeaderName: string } {
  return style.startsWith(AUTH_STYLE_HEADER_PREFIX)
    ? { authStyle: "header", authHeaderName: style.slice(AUTH_STYLE_HEADER_PREFIX.length) }
    : { authStyle: style as AuthStyleChoice, authHeaderName: "" };
}

/** The form's auth fields for a new provider on `baseUrl`: its host's well-known style, else bearer. */
export function authFieldsForBaseUrl(baseUrl: string): {
  authStyle: AuthStyleChoice;
  authHeaderName: string;
} {
  return splitAuthStyle(defaultAuthStyleFor(baseUrl.trim()));
}

/** The auth style the API takes for the form's choice. */
function joinAuthStyle(values: Pick<ProviderFormValues, "authStyle" | "authHeaderName">): AuthStyle {
  return values.authStyle === "header"
    ? `${AUTH_STYLE_HEADER_PREFIX}${values.authHeaderName.trim().toLowerCase()}`
    : values.authStyle;
}

type HeaderProblem = "duplicate" | "forbidden" | "name";

const shape = providerCreateObjectSchema.shape;

/** Form values for a new provider. */
export function emptyProviderForm(): ProviderFormValues {
  return {
    name: "",
    baseUrl: "",
    authStyle: DEFAULT_AUTH_STYLE,
    authHeaderName: "",
    apiKey: "",
    removeApiKey: false,
    weight: 1,
    enabled: true,
    healthCheckPath: "",
    headers: [],
    description: "",
    rateLimitPerMinute: "",
    maxConcurrency: "",
    models: "",
  };
}

/** Form values showing an existing provider; the credential field starts empty (it is write-only). */
export function providerToFormValues(provider: Provider): ProviderFormValues {
  return {
    name: provider.name,
    baseUrl: provider.baseUrl,
    ...splitAuthStyle(provider.authStyle),
    apiKey: "",
    removeApiKey: false,
    weight: provider.weight,
    enabled: provider.enabled,
    healthCheckPath: provider.healthCheckPath ?? "",
    headers: Object.entries(provider.headers).map(([name, value]) => ({ name, value })),
    description: provider.description,
    rateLimitPerMinute: provider.rateLimitPerMinute === null ? "" : String(provider.rateLimitPerMinute),
    maxConcurrency: provider.maxConcurrency === null ? "" : String(provider.maxConcurrency),
    models: formatModelList(provider.models),
  };
}

/**
 * The dialog's schema, built from the shared contract pieces so the console checks exactly what the
 * API checks. Blank header rows are ignored; every other header row is checked on its own, so the
 * error lands on the row that has it.
 */
export function createProviderFormSchema() {
  return z
    .object({
      name: shape.name,
      baseUrl: z.string().trim().min(1).pipe(shape.baseUrl),
      authStyle: z.enum(AUTH_STYLE_CHOICES),
      authHeaderName: z.string(),
      // A disabled input (credential not sent, or being removed) reads as undefined.
      apiKey: z
        .string()
        .optional()
        .transform((value) => value ?? ""),
      removeApiKey: z.boolean(),
      weight: shape.weight.unwrap(),
      enabled: z.boolean(),
      healthCheckPath: z.string(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })),
      description: shape.description.unwrap(),
      rateLimitPerMinute: capText(providerRateLimitSchema),
      maxConcurrency: capText(providerConcurrencySchema),
      models: modelListTextSchema,
    })
    .superRefine((values, ctx) => {
      if (values.apiKey !== "") {
        for (const issue of providerApiKeySchema.safeParse(values.apiKey).error?.issues ?? []) {
          ctx.addIssue({
            code: "custom",
            path: ["apiKey"],
            message: issue.message,
            params: { rule: "apiKey" },
          });
        }
      }
      if (values.authStyle === "header") {
        for (const issue of authStyleSchema.safeParse(joinAuthStyle(values)).error?.issues ?? []) {
          ctx.addIssue({ code: "custom", path: ["authHeaderName"], message: issue.message });
        }
      }
      const path = values.healthCheckPath.trim();
      if (path !== "") {
        for (const issue of healthCheckPathSchema.safeParse(path).error?.issues ?? []) {
          ctx.addIssue({
            code: "custom",
            path: ["healthCheckPath"],
            message: issue.message,
            params: { rule: "path" },
          });
        }
      }
      checkHeaderRows(values.headers, ctx);
    });
}

/** A cap typed as text: empty = none, else a whole number the contract's cap schema accepts. */
function capText(cap: typeof providerRateLimitSchema) {
  const max = cap.unwrap().maxValue ?? Number.MAX_SAFE_INTEGER;
  return z
    .string()
    .refine(
      (text) => text.trim() === "" || (/^\d{1,12}$/.test(text.trim()) && cap.safeParse(Number(text)).success),
      { params: { rule: "cap", max } },
    );
}

/** A cap field's value for the API. */
function capOf(text: string): number | null {
  return text.trim() === "" ? null : Number(text.trim());
}

function checkHeaderRows(rows: ProviderFormValues["headers"], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const name = row.name.trim();
    if (name === "" && row.value === "") return;
    const report = (field: "name" | "value", message: string, problem?: HeaderProblem) =>
      ctx.addIssue({ code: "custom", path: ["headers", index, field], message, params: { header: problem } });
    if (name === "") {
      report("name", "header name is required", "name");
      return;
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) report("name", `header "${name}" is listed twice`, "duplicate");
    seen.add(lower);
    for (const issue of providerHeadersSchema.safeParse({ [name]: row.value }).error?.issues ?? []) {
      if (issue.code === "invalid_key") report("name", issue.message, "name");
      else if (FORBIDDEN_PROVIDER_HEADERS.has(lower)) report("name", issue.message, "forbidden");
      else report("value", issue.message);
    }
  });
}

/** The message under a provider field, in the reader's language where the rule is a known one. */
export function localizeProviderIssue(t: Translate, issue: FormIssue): string | undefined {
  const field = issue.path[0];
  if (issue.code === "custom") {
    const params = (issue.params ?? {}) as { rule?: string; header?: HeaderProblem };
    if (params.header === "duplicate") return t("validation.headerDuplicate");
    if (params.header === "forbidden") return t("validation.headerForbidden");
    if (params.header === "name")
      return issue.message === "header name is required"
        ? t("validation.required")
        : t("validation.headerName");
    if (params.rule === "path") return t("validation.path");
    if (params.rule === "cap")
      return t("providers.capInvalid", { max: (issue.params as { max?: number }).max ?? 0 });
    if (params.rule === "apiKey" && !issue.message.startsWith("must be at most"))
      return t("validation.printableAscii");
    if (field === "baseUrl") return t("validation.url");
  }
  return localizeModelIssue(t, issue) ?? localizeCommonIssue(t, issue);
}

/**
 * Where a server issue about a header lands: the API names it `headers.<Name>` (or
 * `headers["<Name>"]`), the form shows it on the name field of the row holding that name.
 */
export function headerRowPath(
  apiPath: string,
  values: ProviderFormValues,
): `headers.${number}.name` | undefined {
  const match = /^headers(?:\.|\[")(.+?)(?:"\])?$/.exec(apiPath);
  if (!match) return undefined;
  const name = match[1]?.toLowerCase();
  const index = values.headers.findIndex((row) => row.name.trim().toLowerCase() === name);
  return index >= 0 ? `headers.${index}.name` : undefined;
}

/** The POST body for a new provider. */
export function toCreatePayload(values: ProviderFormValues): ProviderCreateInput {
  return {
    name: values.name.trim(),
    baseUrl: values.baseUrl.trim(),
    ...(values.apiKey !== "" && values.authStyle !== "none" ? { apiKey: values.apiKey } : {}),
    authStyle: joinAuthStyle(values),
    weight: values.weight,
    enabled: values.enabled,
    healthCheckPath: values.healthCheckPath.trim() || null,
    headers: headerRecord(values.headers),
    description: values.description,
    rateLimitPerMinute: capOf(values.rateLimitPerMinute),
    maxConcurrency: capOf(values.maxConcurrency),
    models: parseModelList(values.models),
  };
}

/**
 * The PUT body for an edit: only the fields that changed, so the audit log shows what the person
 * actually changed. The credential is sent only when a new one was typed or removal was asked for.
 */
export function toUpdatePayload(values: ProviderFormValues, original: Provider): ProviderUpdateInput {
  const next = toCreatePayload(values);
  const update: ProviderUpdateInput = {};
  if (next.name !== original.name) update.name = next.name;
  if (next.baseUrl !== original.baseUrl) update.baseUrl = next.baseUrl;
  if (next.authStyle !== original.authStyle) update.authStyle = next.authStyle;
  if (next.weight !== original.weight) update.weight = next.weight;
  if (next.enabled !== original.enabled) update.enabled = next.enabled;
  if ((next.healthCheckPath ?? null) !== original.healthCheckPath)
    update.healthCheckPath = next.healthCheckPath;
  if (!sameHeaders(next.headers ?? {}, original.headers)) update.headers = next.headers;
  if (next.description !== original.description) update.description = next.description;
  if ((next.rateLimitPerMinute ?? null) !== original.rateLimitPerMinute)
    update.rateLimitPerMinute = next.rateLimitPerMinute;
  if ((next.maxConcurrency ?? null) !== original.maxConcurrency) update.maxConcurrency = next.maxConcurrency;
  if (!sameModelList(next.models ?? [], original.models)) update.models = next.models;
  if (values.removeApiKey) update.apiKey = null;
  else if (values.apiKey !== "" && values.authStyle !== "none") update.apiKey = values.apiKey;
  return update;
}

function headerRecord(rows: ProviderFormValues["headers"]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name !== "") record[name] = row.value;
  }
  return record;
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const aKeys = Object.keys(a);
  return (
    aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && b[key] === a[key])
  );
}
