import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProxiedPath } from "./check-proxied-path";

const ATTACKS = [
  "/..",
  "/../admin",
  "/v1/../../admin",
  "/v1/./x",
  "/v1/..\\admin",
  "/..\\..\\admin",
  "/%2e%2e/admin",
  "/%2E%2e/admin",
  "/.%2e/admin",
  "/%2e./admin",
  "/v1%2f..%2fadmin",
  "/v1%2F..%2Fadmin",
  "/v1/..%5cadmin",
  "/v1/%5c..%5cadmin",
  "/..;/admin",
  "/v1/..;jsessionid=1/admin",
  "/%252e%252e/admin",
  "/%25252e%25252e/admin",
  "/v1%252f..%252fadmin",
  "/.\t./admin",
  "/.%09./admin",
  "/%2e%0a%2e/admin",
  "/\uff0e\uff0e/admin",
  "/%EF%BC%8E%EF%BC%8E/admin",
  "/\u2025/admin",
  "/.. /admin",
  "/.../admin",
  "//evil.example/x",
  "relative/path",
  "/%2525252525252e",
  "/..#",
  "/..%23x",
];

const LEGIT = [
  "/",
  "/v1/chat/completions",
  "/v1/messages",
  "/v1beta/models/gemini-1.5-pro:generateContent",
  "/v1/files/file-abc.jsonl/content",
  "/v1/models/gpt-4.1",
  "/openai/deployments/my%20deploy/chat/completions",
  "/v1/a..b/c",
  "/v1/x.",
];

describe("checkProxiedPath", () => {
  it.each(ATTACKS)("refuses %j", (path) => {
    expect(checkProxiedPath(path).ok).toBe(false);
  });

  it.each(LEGIT)("accepts %j", (path) => {
    expect(checkProxiedPath(path)).toEqual({ ok: true });
  });

  it("never accepts a path that a WHATWG URL or a servlet-style resolver takes above the base path", () => {
    const base = "/base/v1";
    const piece = fc.oneof(
      fc.constantFrom(".", "..", "%2e", "%2E", "%252e", "/", "\\", "%2f", "%5c", "%5C", ";", "%3b", "%25"),
      fc.constantFrom("\t", "\n", "%09", "\uff0e", "a", "v1", "x y", "%20", "?", "#"),
      fc.string({ maxLength: 3 }),
    );
    const path = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join("")}`);
    let accepted = 0;
    fc.assert(
      fc.property(path, (p) => {
        if (!checkProxiedPath(p).ok) return true;
        accepted++;
        const whatwg = new URL(`http://upstream.test${base}${p}`).pathname;
        expect(whatwg.startsWith(`${base}/`) || whatwg === base).toBe(true);
        expect(resolveLikeServlet(`${base}${p}`).startsWith(`${base}/`)).toBe(true);
        return true;
      }),
      { numRuns: 3000, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});

/** A lenient container: decodes twice, treats `\` as `/`, drops `;params`, then resolves dot segments. */
function resolveLikeServlet(raw: string): string {
  let text = raw.split(/[?#]/)[0]!;
  for (let i = 0; i < 2; i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  const out: string[] = [];
  for (const seg of text
    .replace(/[\t\n\r]/g, "")
    .replaceAll("\\", "/")
    .split("/")) {
    const bare = seg.split(";")[0]!.normalize("NFKC").trim();
    if (bare === "..") out.pop();
    else if (bare !== ".") out.push(seg);
  }
  return `${out.join("/")}/`;
}
