import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isAppError } from "@/core/errors/catalogue";
import { sendWebResponse, toWebRequest } from "./node-web-bridge";

type WebHandler = (request: Request) => Promise<Response>;

let server: Server | null = null;

async function serve(handler: WebHandler, maxBodyBytes = 1024): Promise<string> {
  server = createServer((req, res) => {
    void handler(toWebRequest(req, { maxBodyBytes })).then((response) => sendWebResponse(res, response));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** Waits (bounded) for a condition that another party makes true. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe("node ⇄ web bridge", () => {
  it("carries method, path, query, headers and body into the Request", async () => {
    const origin = await serve(async (request) => {
      const url = new URL(request.url);
      return Response.json({
        method: request.method,
        path: url.pathname,
        q: url.searchParams.get("q"),
        custom: request.headers.get("x-custom"),
        body: await request.text(),
      });
    });
    const res = await fetch(`${origin}/a/b?q=1`, {
      method: "PUT",
      headers: { "x-custom": "yes" },
      body: "héllo",
    });
    expect(await res.json()).toEqual({ method: "PUT", path: "/a/b", q: "1", custom: "yes", body: "héllo" });
  });

  it("gives requests without a body a null body", async () => {
    const origin = await serve(async (request) => Response.json({ hasBody: request.body !== null }));
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await fetch(`${origin}/`, { method });
      expect(await res.json()).toEqual({ hasBody: false });
    }
  });

  it("errors the body stream with BODY_TOO_LARGE past the limit, declared or chunked", async () => {
    const outcomes: string[] = [];
    const origin = await serve(async (request) => {
      try {
        await request.arrayBuffer();
        outcomes.push("read");
      } catch (err) {
        // undici wraps stream errors in a TypeError whose cause is ours.
        const cause = (err as { cause?: unknown }).cause ?? err;
        outcomes.push(isAppError(err) ? err.code : isAppError(cause) ? cause.code : String(err));
      }
      return new Response("done", { headers: { connection: "close" } });
    }, 1024);
    await (await fetch(`${origin}/`, { method: "POST", body: "x".repeat(2048) })).text();
    const chunks = [new TextEncoder().encode("y".repeat(700)), new TextEncoder().encode("y".repeat(700))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    await (
      await fetch(`${origin}/`, { method: "POST", body: stream, duplex: "half" } as RequestInit & {
        duplex: "half";
      })
    ).text();
    await (await fetch(`${origin}/`, { method: "POST", body: "z".repeat(1024) })).text();
    expect(outcomes).toEqual(["BODY_TOO_LARGE", "BODY_TOO_LARGE", "read"]);
  });

  it("streams response chunks as they are produced and keeps multiple Set-Cookie headers", async () => {
    let releaseSecond!: () => void;
    const secondMayGo = new Promise<void>((resolve) => (releaseSecond = resolve));
    const origin = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode("first;"));
          // The second chunk waits for the client to have read the first: a buffering bridge deadlocks here.
          await secondMayGo;
          controller.enqueue(new TextEncoder().encode("second"));
          controller.close();
        },
      });
      const headers = new Headers({ "content-type": "text/plain" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response(body, { status: 207, headers });
    });
    const res = await fetch(`${origin}/`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(207);
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first;");
    releaseSecond();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("second");
  });

  it("cancels the response stream when the client disconnects", async () => {
    let cancelled = false;
    let firstSent = false;
    const origin = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!firstSent) {
            firstSent = true;
            controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
          }
          // Never ends on its own, like an event stream.
          return new Promise(() => {});
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${origin}/`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (err) => (err.message.includes("socket hang up") ? resolve() : reject(err)));
      req.end();
    });
    await until(() => cancelled);
  });
});
