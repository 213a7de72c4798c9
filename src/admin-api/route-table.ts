import type { HttpMethod, RouteDefinition } from "./route-types";

interface CompiledRoute {
  readonly route: RouteDefinition;
  /** Literal text per segment, or null for a parameter. */
  readonly segments: readonly (string | null)[];
  readonly paramNames: readonly string[];
}

export type RouteMatch =
  | { readonly kind: "match"; readonly route: RouteDefinition; readonly params: Record<string, string> }
  | { readonly kind: "method_not_allowed"; readonly allow: readonly HttpMethod[] }
  | { readonly kind: "not_found" };

export interface RouteTable {
  match(method: string, path: string): RouteMatch;
}

/**
 * Compiles route declarations into a table keyed by segment count. Within a length, literal
 * segments win over parameters left to right, so `/providers/export.csv` beats `/providers/:id`
 * whatever the declaration order. Duplicate method + shape declarations are rejected up front.
 */
export function compileRoutes(routes: readonly RouteDefinition[]): RouteTable {
  const byLength = new Map<number, CompiledRoute[]>();
  const seen = new Set<string>();
  for (const route of routes) {
    const parts = splitPath(route.pattern);
    if (!parts) throw new Error(`Invalid route pattern: ${route.pattern}`);
    const segments = parts.map((p) => (p.startsWith(":") ? null : p));
    const shape = `${route.method} /${segments.map((s) => s ?? ":").join("/")}`;
    if (seen.has(shape)) throw new Error(`Duplicate route: ${route.method} ${route.pattern}`);
    seen.add(shape);
    const compiled: CompiledRoute = {
      route,
      segments,
      paramNames: parts.filter((p) => p.startsWith(":")).map((p) => p.slice(1)),
    };
    const list = byLength.get(parts.length) ?? [];
    list.push(compiled);
    byLength.set(parts.length, list);
  }
  for (const list of byLength.values()) list.sort(bySpecificity);

  return {
    match(method, path) {
      const parts = splitPath(path);
      if (!parts) return { kind: "not_found" };
      let decoded: string[];
      try {
        decoded = parts.map((p) => decodeURIComponent(p));
      } catch {
        return { kind: "not_found" };
      }
      const allow = new Set<HttpMethod>();
      for (const candidate of byLength.get(parts.length) ?? []) {
        const values: string[] = [];
        const fits = candidate.segments.every((literal, i) => {
          if (literal === null) {
            values.push(decoded[i]!);
            return true;
          }
          return literal === parts[i];
        });
        if (!fits) continue;
        if (candidate.route.method === method) {
          const params: Record<string, string> = {};
          candidate.paramNames.forEach((name, i) => (params[name] = values[i]!));
          return { kind: "match", route: candidate.route, params };
        }
        allow.add(candidate.route.method);
      }
      return allow.size > 0 ? { kind: "method_not_allowed", allow: [...allow] } : { kind: "not_found" };
    },
  };
}

/** `/a/b/` → ["a", "b"]; the root is []; null for empty inner segments (`/a//b`). */
function splitPath(path: string): string[] | null {
  const trimmed = path.replace(/^\/+/, "").replace(/\/$/, "");
  if (trimmed === "") return [];
  const parts = trimmed.split("/");
  return parts.some((p) => p === "") ? null : parts;
}

function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < a.segments.length; i++) {
    const aLiteral = a.segments[i] !== null;
    const bLiteral = b.segments[i] !== null;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}
