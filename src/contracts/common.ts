import { z } from "zod";

/**
 * Shapes shared by every admin resource. Contracts are imported by the console too, so nothing here
 * may import server-only modules.
 */

/** One problem found in an input: where (`groups[2].providers[0].provider`) and what. */
export const issueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type Issue = z.infer<typeof issueSchema>;

/** The one error body every admin endpoint answers with. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Row ids are UUIDs. */
export const idSchema = z.uuid();

/** Display names: trimmed, 1-100 characters, no control characters. */
export const nameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .refine((value) => !hasControlCharacters(value), "must not contain control characters");

/** True when `value` contains a C0 control character or DEL (they break headers, CSV and logs). */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * An absolute http(s) URL without credentials, at most 2048 characters (upstream base URLs, webhook
 * URLs). `moreProblems` adds the caller's own rules for a URL that passed these: it returns the one
 * problem to report, or null.
 */
export function httpUrlSchema(options: {
  /** The issue when the URL carries a user name or password (says where a credential goes instead). */
  readonly credentialsMessage: string;
  readonly moreProblems: (url: URL, value: string) => string | null;
}) {
  return z
    .string()
    .trim()
    .max(2048, "must be at most 2048 characters")
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be an absolute http:// or https:// URL" });
        return;
      }
      let problem: string | null;
      if (url.protocol !== "http:" && url.protocol !== "https:") problem = "must use http or https";
      else if (url.username || url.password) problem = options.credentialsMessage;
      else problem = options.moreProblems(url, value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** Free-text descriptions and notes. */
export const descriptionSchema = z.string().max(2000, "must be at most 2000 characters");

/** Renders a zod-style path as `a.b[2].c`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Converts zod issues into the stable `{ path, message }` list used in error details. */
export function toIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: formatIssuePath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/** ISO-8601 timestamps in outputs. */
export const timestampSchema = z.string();
