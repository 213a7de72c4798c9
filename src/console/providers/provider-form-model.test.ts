import { describe, expect, it } from "vitest";
import type { Provider } from "@/contracts/providers";
import { providerCreateSchema, providerUpdateSchema } from "@/contracts/providers";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import {
  createProviderFormSchema,
  emptyProviderForm,
  headerRowPath,
  localizeProviderIssue,
  providerToFormValues,
  toCreatePayload,
  toUpdatePayload,
  type ProviderFormValues,
} from "./provider-form-model";

const t: Translate = (key, values) => translate(en, key, values);
const schema = createProviderFormSchema();

const existing: Provider = {
  id: "0b6c6f5e-8a7a-4c43-9a34-0d2b1b0c9d11",
  name: "openai-a",
  baseUrl: "https://api.openai.com/v1",
  authStyle: "bearer",
  weight: 3,
  enabled: true,
  healthCheckPath: "/models",
  rateLimitPerMinute: null,
  maxConcurrency: null,
  headers: { "OpenAI-Organization": "org-1" },
  description: "primary",
  models: [],
  hasApiKey: true,
  apiKeyMasked: "••••abcd",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
};

function form(overrides: Partial<ProviderFormValues>): ProviderFormValues {
  return { ...emptyProviderForm(), name: "p", baseUrl: "https://up.example", ...overrides };
}

/** The localized message per field path for `values`, or {} when they are valid. */
function messages(values: unknown): Record<string, string> {
  const result = schema.safeParse(values);
  const out: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeProviderIssue(t, issue) ?? issue.message;
  }
  return out;
}

describe("provider form schema", () => {
  it("accepts a minimal provider and normalizes the base URL like the API", () => {
    const parsed = schema.parse(form({ baseUrl: " https://up.example/v1/ " }));
    expect(parsed.baseUrl).toBe("https://up.example/v1");
  });

  it("reports empty, malformed and out-of-range fields in the reader's language", () => {
    expect(messages(form({ name: " ", baseUrl: "" }))).toEqual({ name: "Required.", baseUrl: "Required." });
    expect(messages(form({ baseUrl: "ftp://up.example" }))).toEqual({ baseUrl: en.validation.url });
    expect(messages(form({ baseUrl: "https://u:p@up.example" }))).toEqual({ baseUrl: en.validation.url });
    expect(messages(form({ weight: Number.NaN }))).toEqual({ weight: "Enter a whole number." });
    expect(messages(form({ weight: -1 }))).toEqual({ weight: "Must be at least 0." });
    expect(messages(form({ weight: 1.5 }))).toEqual({ weight: "Enter a whole number." });
    expect(messages(form({ healthCheckPath: "models" }))).toEqual({ healthCheckPath: en.validation.path });
    expect(messages(form({ apiKey: "has space" }))).toEqual({ apiKey: en.validation.printableAscii });
  });

  it("treats a disabled (undefined) credential as empty", () => {
    const parsed = schema.parse({ ...form({}), apiKey: undefined });
    expect(parsed.apiKey).toBe("");
  });

  it("checks header rows one by one and ignores blank rows", () => {
    const result = messages(
      form({
        headers: [
          { name: "", value: "" },
          { name: "X-Team", value: "a" },
          { name: "x-team", value: "b" },
          { name: "Authorization", value: "Bearer x" },
          { name: "bad name", value: "x" },
          { name: "", value: "orphan" },
          { name: "X-Line", value: "a\nb" },
        ],
      }),
    );
    expect(result).toEqual({
      "headers.2.name": en.validation.headerDuplicate,
      "headers.3.name": en.validation.headerForbidden,
      "headers.4.name": en.validation.headerName,
      "headers.5.name": en.validation.required,
      "headers.6.value": "header values must not contain line breaks",
    });
  });

  it("puts a server issue about a header on the row holding that name", () => {
    const values = form({
      headers: [
        { name: "", value: "" },
        { name: " X-Team ", value: "a" },
      ],
    });
    expect(headerRowPath("headers.x-team", values)).toBe("headers.1.name");
    expect(headerRowPath('headers["X-Team"]', values)).toBe("headers.1.name");
    expect(headerRowPath("headers.X-Other", values)).toBeUndefined();
    expect(headerRowPath("baseUrl", values)).toBeUndefined();
  });
});

describe("payloads", () => {
  it("builds a create body the API schema accepts, leaving out an empty credential", () => {
    const body = toCreatePayload(
      form({
        headers: [
          { name: " X-Team ", value: "a" },
          { name: "", value: "" },
        ],
        healthCheckPath: " ",
      }),
    );
    expect(body).toEqual({
      name: "p",
      baseUrl: "https://up.example",
      authStyle: "bearer",
      weight: 1,
      enabled: true,
      healthCheckPath: null,
      headers: { "X-Team": "a" },
      description: "",
      rateLimitPerMinute: null,
      maxConcurrency: null,
      models: [],
    });
    expect(providerCreateSchema.safeParse(body).success).toBe(true);
  });

  it("never sends a credential with the 'none' auth style", () => {
    expect(toCreatePayload(form({ apiKey: "sk-123", authStyle: "none" }))).not.toHaveProperty("apiKey");
    expect(toCreatePayload(form({ apiKey: "sk-123" }))).toHaveProperty("apiKey", "sk-123");
  });

  it("sends nothing for an unchanged provider, so the stored credential is kept", () => {
    const values = providerToFormValues(existing);
    expect(values.apiKey).toBe("");
    expect(toUpdatePayload(values, existing)).toEqual({});
  });

  it("sends only what changed, a new credential when typed, and null to remove it", () => {
    const values = providerToFormValues(existing);
    const changed = toUpdatePayload(
      {
        ...values,
        weight: 5,
        headers: [{ name: "OpenAI-Organization", value: "org-2" }],
        apiKey: "sk-new-key",
      },
      existing,
    );
    expect(changed).toEqual({ weight: 5, headers: { "OpenAI-Organization": "org-2" }, apiKey: "sk-new-key" });
    expect(providerUpdateSchema.safeParse(changed).success).toBe(true);
    expect(toUpdatePayload({ ...values, apiKey: "ignored", removeApiKey: true }, existing)).toEqual({
      apiKey: null,
    });
    expect(toUpdatePayload({ ...values, healthCheckPath: "" }, existing)).toEqual({ healthCheckPath: null });
  });

  it("sends the credential in a named header with the 'another header' choice, and reads it back", () => {
    const created = toCreatePayload(
      form({ apiKey: "sk-123", authStyle: "header", authHeaderName: " X-Goog-Api-Key " }),
    );
    expect(created).toMatchObject({ authStyle: "header:x-goog-api-key", apiKey: "sk-123" });
    expect(providerCreateSchema.safeParse(created).success).toBe(true);
    const stored = { ...existing, authStyle: "header:api-key" as const };
    const values = providerToFormValues(stored);
    expect(values).toMatchObject({ authStyle: "header", authHeaderName: "api-key" });
    expect(toUpdatePayload(values, stored)).toEqual({});
    expect(messages(form({ authStyle: "header", authHeaderName: "" }))).toHaveProperty("authHeaderName");
    expect(messages(form({ authStyle: "header", authHeaderName: "host" }))).toHaveProperty("authHeaderName");
    expect(messages(form({ authStyle: "header", authHeaderName: "x-key" }))).toEqual({});
  });
});

describe("provider caps and models", () => {
  it("sends caps and models on create, null and [] when left empty", () => {
    expect(toCreatePayload(form({}))).toMatchObject({
      rateLimitPerMinute: null,
      maxConcurrency: null,
      models: [],
    });
    const payload = toCreatePayload(
      form({
        rateLimitPerMinute: " 600 ",
        maxConcurrency: "8",
        models: "gpt-4.1*\n\n claude-sonnet-* \ngpt-4.1*",
      }),
    );
    expect(payload).toMatchObject({
      rateLimitPerMinute: 600,
      maxConcurrency: 8,
      models: ["gpt-4.1*", "claude-sonnet-*"],
    });
    expect(providerCreateSchema.safeParse(payload).success).toBe(true);
  });

  it("round-trips a provider's caps and models, and sends only what changed", () => {
    const capped = { ...existing, rateLimitPerMinute: 60, maxConcurrency: 4, models: ["a-*", "b"] };
    const values = providerToFormValues(capped);
    expect(values).toMatchObject({ rateLimitPerMinute: "60", maxConcurrency: "4", models: "a-*\nb" });
    expect(toUpdatePayload(values, capped)).toEqual({});
    const update = toUpdatePayload(
      { ...values, rateLimitPerMinute: "", maxConcurrency: "5", models: "b\na-*" },
      capped,
    );
    expect(update).toEqual({ rateLimitPerMinute: null, maxConcurrency: 5, models: ["b", "a-*"] });
    expect(providerUpdateSchema.safeParse(update).success).toBe(true);
  });

  it("refuses caps and model names the API refuses, with the field's message", () => {
    expect(messages(form({ rateLimitPerMinute: "0", maxConcurrency: "100001" }))).toEqual({
      rateLimitPerMinute: "Enter a whole number from 1 to 1000000, or leave it empty.",
      maxConcurrency: "Enter a whole number from 1 to 100000, or leave it empty.",
    });
    expect(messages(form({ rateLimitPerMinute: "1.5" }))).toHaveProperty("rateLimitPerMinute");
    expect(messages(form({ models: `ok\n${"x".repeat(201)}` }))).toHaveProperty("models");
  });
});
