import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layering rules of eslint.config.mjs, run through ESLint's own API on the real config: for each
 * rule a deliberately wrong import is reported with the rule's reason, and a correct one is not. The
 * probe files do not exist; ESLint lints the given text as if it lived at that path.
 */

const ROOT = import.meta.dirname;
const RULE = "import/no-restricted-paths";
const eslint = new ESLint({ cwd: ROOT });

/** The layering messages ESLint reports for `code` placed at `file`. */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

interface Case {
  readonly rule: string;
  readonly file: string;
  readonly wrong: string;
  /** Part of the rule's message: the reason shown with the error. */
  readonly reason: string;
  readonly right: string;
}

const CASES: readonly Case[] = [
  {
    rule: "core imports only core (alias)",
    file: "src/core/balancing/layer-probe.ts",
    wrong: 'export type { Db } from "@/db/client";',
    reason: "src/core is the pure domain",
    right: 'export { AppError } from "@/core/errors/catalogue";',
  },
  {
    rule: "core imports only core (relative)",
    file: "src/core/retry/layer-probe.ts",
    wrong: 'export { createLogger } from "../../observability/logger";',
    reason: "src/core is the pure domain",
    right: 'export { ERRORS } from "../errors/catalogue";',
  },
  {
    rule: "http imports only core",
    file: "src/http/layer-probe.ts",
    wrong: 'export type { AdminServices } from "@/services/admin-services";',
    reason: "src/http sits below every HTTP-facing layer",
    right: 'export { ERRORS } from "@/core/errors/catalogue";',
  },
  {
    rule: "contracts stay browser-safe",
    file: "src/contracts/layer-probe.ts",
    wrong: 'export type { Db } from "@/db/client";',
    reason: "src/contracts is shared with the browser console",
    right: 'export { toIssues } from "./common";',
  },
  {
    rule: "console imports only contracts, components, i18n and the vocabulary",
    file: "src/console/layer-probe.tsx",
    wrong: 'export { createRuntime } from "@/server/runtime";',
    reason: "The console runs in the browser",
    right: 'export { providerSchema } from "@/contracts/providers";',
  },
  {
    rule: "console cannot escape by a relative path",
    file: "src/console/providers/layer-probe.tsx",
    wrong: 'export { executeRows } from "../../db/execute-rows";',
    reason: "The console runs in the browser",
    right: 'export { endpoints } from "../endpoints";',
  },
  {
    rule: "app route files render the console only",
    file: "app/(console)/layer-probe/page.tsx",
    wrong: 'export { getProcessRuntime } from "@/server/main";',
    reason: "app/ route files stay thin",
    right: 'export { pageMetadata } from "@/console/page-metadata";',
  },
  {
    rule: "gateway never imports services",
    file: "src/gateway/stages/layer-probe.ts",
    wrong: 'export type { AdminServices } from "@/services/admin-services";',
    reason: "The data plane routes from its in-memory snapshot",
    right: 'export { providers } from "@/db/schema/providers";',
  },
  {
    rule: "gateway never imports read-side queries",
    file: "src/gateway/layer-probe.ts",
    wrong: 'export { executeRows } from "../db/execute-rows";',
    reason: "The data plane routes from its in-memory snapshot",
    right: 'export type { Db } from "../db/client";',
  },
  {
    rule: "gateway never imports the server",
    file: "src/gateway/layer-probe.ts",
    wrong: 'export { createDispatcher } from "../server/dispatch";',
    reason: "The data plane routes from its in-memory snapshot",
    right: 'export { sendErrorResponse } from "../http/node-response";',
  },
  {
    rule: "db schema imports only schema",
    file: "src/db/schema/layer-probe.ts",
    wrong: 'export type { Db } from "../client";',
    reason: "The database schema is the bottom of the data layer",
    right: 'export { groups } from "./groups";',
  },
  {
    rule: "health never imports server/",
    file: "src/health/layer-probe.ts",
    wrong: 'export { createDispatcher } from "../server/dispatch";',
    reason: "This layer sits below the HTTP edge",
    right: 'export { sendErrorResponse } from "../http/node-response";',
  },
  {
    rule: "observability never imports admin-api/",
    file: "src/observability/layer-probe.ts",
    wrong: 'export type { RouteDefinition } from "@/admin-api/route-types";',
    reason: "This layer sits below the HTTP edge",
    right: 'export type { NodeHandler } from "@/http/node-response";',
  },
  {
    rule: "services never import admin-api/",
    file: "src/services/layer-probe.ts",
    wrong: 'export { createAdminApi } from "@/admin-api/router";',
    reason: "This layer sits below the HTTP edge",
    right: 'export type { Actor } from "@/contracts/actor";',
  },
];

describe("layering lint rules (eslint.config.mjs)", () => {
  it.each(CASES)("$rule", async ({ file, wrong, reason, right }) => {
    const errors = await layeringErrors(file, wrong);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(reason);
    expect(await layeringErrors(file, right)).toEqual([]);
  });

  it("exempts tests below the edge and src/testing, which assemble every layer", async () => {
    const wrong = 'export { createAdminApi } from "@/admin-api/router";';
    expect(await layeringErrors("src/health/layer-probe.int.test.ts", wrong)).toEqual([]);
    expect(await layeringErrors("src/testing/layer-probe.ts", wrong)).toEqual([]);
    // The same import outside a test is refused, so the exemption is about tests only.
    expect(await layeringErrors("src/health/layer-probe.ts", wrong)).toHaveLength(1);
  });

  it("lets core tests use the shared test support, never core product code", async () => {
    const support = 'export { describeStrategyContract } from "@/testing/strategy-contract";';
    expect(await layeringErrors("src/core/balancing/layer-probe.test.ts", support)).toEqual([]);
    expect(await layeringErrors("src/core/balancing/layer-probe.ts", support)).toHaveLength(1);
    const server = 'export { createAdminApi } from "@/admin-api/router";';
    expect(await layeringErrors("src/core/balancing/layer-probe.test.ts", server)).toHaveLength(1);
  });

  it("keeps vitest out of product modules (test support lives in src/testing)", async () => {
    const code = 'export { expect } from "vitest";\n';
    const vitestErrors = async (file: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
      return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
    };
    const [refusal] = await vitestErrors("src/security/layer-probe.ts");
    expect(refusal).toContain("Product code never imports vitest");
    expect(await vitestErrors("src/testing/layer-probe.ts")).toEqual([]);
    expect(await vitestErrors("src/security/layer-probe.test.ts")).toEqual([]);
  });
});
