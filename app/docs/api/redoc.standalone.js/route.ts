import { readFile } from "node:fs/promises";
import path from "node:path";

// Redoc's sidebar footer always loads its logo from cdn.redoc.ly; the page promises no request off our
// origin (and none works offline), so the bundle is served with a blank inline image in its place.
const CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const BLANK_LOGO = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

/** Redoc's browser bundle, served from our own origin (never a CDN), read once per process. */
let bundle: Promise<Uint8Array> | null = null;

/** Reads Redoc's standalone bundle with its one off-origin URL (the footer logo) replaced. */
async function readBundle(): Promise<Uint8Array> {
  const source = await readFile(
    path.join(process.cwd(), "node_modules/redoc/bundles/redoc.standalone.js"),
    "utf8",
  );
  return new TextEncoder().encode(source.replaceAll(CDN_LOGO, BLANK_LOGO));
}

/** `GET /docs/api/redoc.standalone.js`: the renderer the API reference page loads. */
export async function GET(): Promise<Response> {
  bundle ??= readBundle();
  return new Response(new Uint8Array(await bundle), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
}
