import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { ERRORS } from "@/core/errors/catalogue";
import { DISPATCH_PREFIXES } from "@/server/dispatch";
import { ADMIN_ROUTES } from "../routes";
import { ADMIN_BASE_PATH, buildOpenApiDocument, openApiPathOf } from "./build-openapi";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const document = buildOpenApiDocument({ version: "0.0.0-test" });

/** Every `METHOD /path` the document describes. */
function documentedOperations(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 (swagger-parser)", async () => {
    // The validator dereferences in place: hand it a copy.
    const copy = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
    await expect(SwaggerParser.validate(copy as never)).resolves.toBeTruthy();
    expect(document.openapi).toBe("3.1.0");
    // The validator does refuse a broken document (an info without its version).
    const broken = { ...copy, info: { title: "no version" } };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("describes every mounted admin route, and no admin route that is not mounted", () => {
    const mounted = ADMIN_ROUTES.map((r) => `${r.method} ${openApiPathOf(r.pattern)}`).sort();
    const documented = documentedOperations()
      .filter((op) => op.split(" ")[1]!.startsWith(`${ADMIN_BASE_PATH}/`))
      .sort();
    expect(documented).toEqual(mounted);
  });

  it("has a summary, success answer and error answers for every admin route (one `doc` line each)", () => {
    const undocumented = ADMIN_ROUTES.filter((r) => !r.doc).map((r) => `${r.method} ${r.pattern}`);
    expect(undocumented, "routes without a `doc`: add one (src/admin-api/README.md)").toEqual([]);
    for (const route of ADMIN_ROUTES) {
      const op = document.paths[openApiPathOf(route.pattern)]![route.method.toLowerCase()] as {
        responses: Record<string, unknown>;
        operationId: string;
      };
      expect(Object.keys(op.responses)).toContain("401");
      if (route.role === "admin") expect(Object.keys(op.responses)).toContain("403");
    }
    const ids = documentedOperations().map((op) => {
      const [method, path] = op.split(" ");
      return (document.paths[path!]![method!.toLowerCase()] as { operationId: string }).operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents every path prefix the server dispatches outside the admin API", () => {
    const paths = Object.keys(document.paths);
    for (const [prefix] of DISPATCH_PREFIXES) {
      expect(
        paths.some((p) => p.startsWith(prefix) || p === prefix.replace(/\/$/, "")),
        prefix,
      ).toBe(true);
    }
    expect(paths).toContain("/api/proxy/{group}/{path}");
  });

  it("names every catalogue code, and the two error shapes", () => {
    const schemas = (document.components as { schemas: Record<string, { enum?: string[] }> }).schemas;
    expect(schemas.ErrorCode!.enum).toEqual(Object.keys(ERRORS));
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["ErrorBody", "GatewayError"]));
    const text = JSON.stringify(document);
    const unmentioned = Object.keys(ERRORS).filter((code) => !text.includes(`\`${code}\``));
    // Codes the HTTP server answers before routing (or logs only) are listed in the catalogue enum only.
    const edgeOnly = [
      "CLIENT_CLOSED",
      "HEADERS_TOO_LARGE",
      "MALFORMED_REQUEST",
      "REQUEST_TIMEOUT",
      "ROUTE_NOT_FOUND",
    ];
    expect(unmentioned.filter((code) => !edgeOnly.includes(code))).toEqual([]);
  });

  it("declares both admin auth schemes and the gateway's two key headers", () => {
    const schemes = (document.components as { securitySchemes: Record<string, unknown> }).securitySchemes;
    expect(Object.keys(schemes)).toEqual(
      expect.arrayContaining([
        "adminToken",
        "sessionCookie",
        "gatewayKey",
        "gatewayKeyHeader",
        "metricsToken",
      ]),
    );
  });
});
