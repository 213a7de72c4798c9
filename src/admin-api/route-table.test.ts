import { describe, expect, it } from "vitest";
import type { RouteDefinition } from "./route-types";
import { compileRoutes } from "./route-table";
import { ADMIN_ROUTES } from "./routes";

const handler = async () => new Response(null);
const route = (method: RouteDefinition["method"], pattern: string): RouteDefinition => ({
  method,
  pattern,
  role: "viewer",
  handler,
});

describe("compileRoutes", () => {
  const table = compileRoutes([
    route("GET", "/providers/:id"),
    route("PUT", "/groups/:id/providers/:providerId"),
    route("PUT", "/groups/:id/providers/order"),
    route("GET", "/providers/export.csv"),
    route("GET", "/providers"),
    route("POST", "/providers"),
  ]);

  it("prefers literal segments over parameters whatever the declaration order", () => {
    const csv = table.match("GET", "/providers/export.csv");
    expect(csv.kind === "match" && csv.route.pattern).toBe("/providers/export.csv");
    const order = table.match("PUT", "/groups/g1/providers/order");
    expect(order.kind === "match" && order.route.pattern).toBe("/groups/:id/providers/order");
    const member = table.match("PUT", "/groups/g1/providers/p9");
    expect(member).toMatchObject({ kind: "match", params: { id: "g1", providerId: "p9" } });
  });

  it("decodes parameters and tolerates one trailing slash", () => {
    expect(table.match("GET", "/providers/a%20b")).toMatchObject({ params: { id: "a b" } });
    expect(table.match("GET", "/providers/")).toMatchObject({ kind: "match" });
    expect(table.match("GET", "/providers/%E0%A4%A")).toEqual({ kind: "not_found" });
    expect(table.match("GET", "/providers//x")).toEqual({ kind: "not_found" });
  });

  it("tells 405 (with the allowed methods) from 404", () => {
    expect(table.match("DELETE", "/providers")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "POST"],
    });
    expect(table.match("GET", "/unknown")).toEqual({ kind: "not_found" });
    expect(table.match("GET", "/providers/x/y")).toEqual({ kind: "not_found" });
  });

  it("rejects duplicate and malformed declarations up front", () => {
    expect(() => compileRoutes([route("GET", "/a/:x"), route("GET", "/a/:y")])).toThrow(/Duplicate/);
    expect(() => compileRoutes([route("GET", "/a//b")])).toThrow(/Invalid/);
  });

  it("compiles the real admin route table", () => {
    const real = compileRoutes(ADMIN_ROUTES);
    expect(real.match("GET", "/providers/export.csv")).toMatchObject({ kind: "match" });
    expect(real.match("POST", "/config/import")).toMatchObject({ kind: "match", route: { role: "admin" } });
    // Reads are open to viewers and writes need admin, except user administration (admin-only reads)
    // and the caller's own password (a viewer changes their own).
    const exceptions: Record<string, RouteDefinition["role"]> = {
      "GET /users": "admin",
      "GET /users/:id": "admin",
      "POST /me/password": "viewer",
    };
    for (const r of ADMIN_ROUTES) {
      const route = `${r.method} ${r.pattern}`;
      const expected = exceptions[route] ?? (r.method === "GET" ? "viewer" : "admin");
      expect({ route, role: r.role }).toEqual({ route, role: expected });
    }
  });

  it("holds every admin route exactly once, users, alerts and health included", () => {
    const real = compileRoutes(ADMIN_ROUTES);
    const shapes = ADMIN_ROUTES.map((r) => `${r.method} ${r.pattern}`);
    expect(new Set(shapes).size).toBe(shapes.length);
    for (const r of ADMIN_ROUTES) {
      // Each declaration answers its own path (parameters filled in) and no other declaration does.
      const found = real.match(r.method, r.pattern.replace(/:(\w+)/g, "sample-$1"));
      expect(found.kind === "match" && found.route).toBe(r);
    }
    for (const shape of [
      "GET /users",
      "POST /me/password",
      "GET /alerts/rules",
      "POST /alerts/channels/:id/test",
      "GET /alerts/history",
      "GET /health",
      "GET /health/stream",
      "POST /providers/:id/eject",
      "POST /providers/:id/restore",
    ]) {
      expect(shapes).toContain(shape);
    }
  });
});
