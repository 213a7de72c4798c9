import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_DOCS } from "@/config/env-docs";
import { envSchema } from "@/config/env";
import { renderConfigurationReference } from "@/config/env-reference";
import { ERROR_ADVICE } from "@/core/errors/advice";
import { ERRORS } from "@/core/errors/catalogue";
import { renderTroubleshootingReference } from "@/core/errors/troubleshooting-reference";

const root = path.join(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const REGENERATE = "out of date: run `npm run docs:generate` and commit the result";

describe("generated references", () => {
  it("document every env setting (ENV_DOCS keys = env schema keys)", () => {
    expect(Object.keys(ENV_DOCS).sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it("explain every error code (ERROR_ADVICE keys = catalogue codes)", () => {
    const missing = Object.keys(ERRORS).filter((code) => !ERROR_ADVICE[code as keyof typeof ERRORS]);
    expect(missing, "codes without advice in src/core/errors/advice.ts").toEqual([]);
  });

  it("docs/configuration.md matches the env schema", () => {
    expect(read("docs/configuration.md"), REGENERATE).toBe(renderConfigurationReference());
  });

  it("docs/troubleshooting.md matches the error catalogue", () => {
    expect(read("docs/troubleshooting.md"), REGENERATE).toBe(renderTroubleshootingReference());
  });

  it("the README's settings table names only real settings", () => {
    const named = [...read("README.md").matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!);
    const unknown = named.filter((name) => !(name in ENV_DOCS));
    expect(unknown).toEqual([]);
  });
});
