import fc from "fast-check";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminTestServer, type AdminTestServer } from "../testing/admin-api-test-server";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";

/**
 * Fuzz suite: generated paths, headers, JSON bodies and SSE streams through a real gateway on loopback
 * (a mock upstream answers generated JSON/SSE), and generated bodies at the admin API's validators.
 * Every answer: no crash, no 500, no secret (the provider's apiKey, the gateway key) in any output.
 * The seed is printed (set FUZZ_SEED to replay a run); runs are bounded.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PROVIDER_SECRET = `fuzz-provider-secret-${SEED}`;
const BASE = "/fuzz-base/v1";

let h: GatewayHarness;
let upstream: Server;
let slug: string;
let key: string;
let nextUpstream: { contentType: string; body: string } = { contentType: "application/json", body: "{}" };
let lastUpstreamPath = "";

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  upstream = createServer((req, res) => {
    lastUpstreamPath = new URL(req.url ?? "/", "http://upstream.test").pathname;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": nextUpstream.contentType });
      res.end(nextUpstream.body);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const port = (upstream.address() as AddressInfo).port;
  h = await startGatewayHarness();
  ({ slug, key } = await h.addRoute({ baseUrl: `http://127.0.0.1:${port}${BASE}`, apiKey: PROVIDER_SECRET }));
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

/** One raw HTTP/1.1 exchange on its own connection; status 0 when no answer came within 10 s. */
function rawExchange(head: string, body = ""): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(head + body);
  });
}

function expectSafe(answer: { status: number; text: string }, what: string): void {
  expect(answer.status, what).toBeGreaterThan(0);
  expect(answer.status, what).not.toBe(500);
  expect(answer.text.includes(PROVIDER_SECRET), what).toBe(false);
  expect(answer.text.includes(key), what).toBe(false);
}

const PATH_PIECES = fc.oneof(
  fc.constantFrom("/", "..", ".", "%2e", "%2E%2e", "%2f", "%5c", "\\", ";", "..;", "%25", "%252e", "#", "?"),
  fc.constantFrom("v1", "chat", "completions", "%00", "%0a", "%ff", "é", "\uff0e", "~", "*", "%", "@", ":"),
  fc.string({ unit: "grapheme-ascii", maxLength: 4 }),
);
const fuzzPath = fc
  .array(PATH_PIECES, { maxLength: 10 })
  .map((parts) => `/${parts.join("")}`.replace(/ /g, "%20").replace(/[\r\n]/g, "%0a"));

const RESERVED_HEADERS = new Set([
  "content-length",
  "transfer-encoding",
  "expect",
  "connection",
  "host",
  "upgrade",
]);
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !RESERVED_HEADERS.has(n));
const headerValue = fc
  .string({ unit: "grapheme-ascii", maxLength: 60 })
  .map((v) => v.replace(/[\r\n]/g, " "));

const tokenCount = fc.oneof(
  fc.nat(),
  fc.constantFrom(1e20, -1, 12.5, Number.MAX_SAFE_INTEGER, 2 ** 31),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
);
const usageObject = fc.record(
  {
    prompt_tokens: tokenCount,
    completion_tokens: tokenCount,
    input_tokens: tokenCount,
    output_tokens: tokenCount,
  },
  { requiredKeys: [] },
);
const sseEvent = fc.record({
  event: fc.option(fc.constantFrom("message_start", "message_delta", "response.completed", "error", "x"), {
    nil: undefined,
  }),
  data: fc.oneof(
    fc.json(),
    fc.record({ model: fc.string({ maxLength: 10 }), usage: usageObject }).map((v) => JSON.stringify(v)),
    fc
      .record({ message: fc.record({ model: fc.string(), usage: usageObject }) })
      .map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 40 }),
  ),
  eol: fc.constantFrom("\n", "\r\n"),
});
const sseStream = fc.array(sseEvent, { minLength: 1, maxLength: 8 }).map((events) =>
  events
    .map((e) => {
      const lines = e.data.split("\n").map((line) => `data: ${line}`);
      if (e.event !== undefined) lines.unshift(`event: ${e.event}`);
      return lines.join(e.eol) + e.eol + e.eol;
    })
    .join(""),
);

describe("gateway fuzz", () => {
  it("generated paths: never a 500, never a secret, a forwarded path stays under the base path", async () => {
    let runs = 0;
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(fuzzPath, async (path) => {
        runs++;
        lastUpstreamPath = "";
        const answer = await rawExchange(
          `GET /api/proxy/${slug}${path} HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\nconnection: close\r\n\r\n`,
        );
        expectSafe(answer, path);
        if (answer.status === 200) {
          forwarded++;
          expect(lastUpstreamPath.startsWith(`${BASE}/`), path).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
    console.log(`fuzz paths: ${runs} runs, ${forwarded} forwarded`);
  }, 120_000);

  it("generated headers: never a 500, never a secret", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }), async (headers) => {
        runs++;
        const lines = headers.map(([n, v]) => `${n}: ${v}\r\n`).join("");
        const answer = await rawExchange(
          `GET /api/proxy/${slug}/v1/models HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n${lines}connection: close\r\n\r\n`,
        );
        expectSafe(answer, lines);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
    console.log(`fuzz headers: ${runs} runs`);
  }, 120_000);

  it("generated JSON request bodies and JSON answers: never a 500, never a secret", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.json(), fc.json(), async (requestBody, answerBody) => {
        runs++;
        nextUpstream = { contentType: "application/json", body: answerBody };
        const length = Buffer.byteLength(requestBody);
        const answer = await rawExchange(
          `POST /api/proxy/${slug}/v1/chat/completions HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n` +
            `content-type: application/json\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`,
          requestBody,
        );
        expectSafe(answer, requestBody);
        expect(answer.status).toBe(200);
      }),
      { seed: SEED + 2, numRuns: 100 },
    );
    console.log(`fuzz JSON bodies: ${runs} runs`);
  }, 120_000);

  it("generated SSE streams reach the client untouched; every request still gets its log row", async () => {
    let runs = 0;
    const ids: string[] = [];
    await fc.assert(
      fc.asyncProperty(sseStream, async (stream) => {
        runs++;
        nextUpstream = { contentType: "text/event-stream", body: stream };
        const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: '{"model":"m","stream":true,"messages":[]}',
        });
        const text = await res.text();
        expect(res.status).not.toBe(500);
        expect(text.includes(PROVIDER_SECRET)).toBe(false);
        if (res.status === 200) expect(text).toBe(stream);
        ids.push(res.headers.get("x-request-id") ?? "");
      }),
      { seed: SEED + 3, numRuns: 100 },
    );
    const logged = new Set((await h.requestLogs()).map((r) => r.id));
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
    console.log(`fuzz SSE streams: ${runs} runs, ${ids.length} log rows checked`);
  }, 120_000);

  // The embedded database takes log batches as COPY text (insert-request-logs.ts): a model name full
  // of what COPY treats specially (backslash, tab, CR/LF, `\.`, `\N`) must be stored as it came.
  it("generated model names with COPY syntax in them are logged exactly", async () => {
    const copySyntax = fc.string({
      unit: fc.constantFrom("\\", "\t", "\n", "\r", ".", "N", "a", " ", "é", "😀", "'", '"'),
      minLength: 1,
      maxLength: 40,
    });
    const sent = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(copySyntax, async (model) => {
        nextUpstream = {
          contentType: "application/json",
          body: JSON.stringify({ model, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }),
        };
        const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: '{"messages":[]}',
        });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        sent.set(res.headers.get("x-request-id") ?? "", model);
      }),
      { seed: SEED + 4, numRuns: 60 },
    );
    const logged = new Map((await h.requestLogs()).map((r) => [r.id, r.model]));
    for (const [id, model] of sent) expect(logged.get(id), JSON.stringify(model)).toBe(model);
  }, 120_000);
});

describe("admin API validators fuzz", () => {
  let api: AdminTestServer;
  const ADMIN_SECRET = `fuzz-admin-provider-secret-${SEED}`;

  beforeAll(async () => {
    api = await startAdminTestServer("pglite");
    const created = await api.call("POST", "/providers", {
      json: { name: "seeded", baseUrl: "https://api.example.com/v1", apiKey: ADMIN_SECRET },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await api?.close();
  });

  it("generated bodies at every writing route: never a 500, never a stored secret", async () => {
    const routes = [
      ["POST", "/providers"],
      ["POST", "/groups"],
      ["POST", "/api-keys"],
      ["POST", "/users"],
      ["POST", "/alerts/rules"],
      ["POST", "/alerts/channels"],
      ["POST", "/config/import"],
      ["POST", "/me/password"],
    ] as const;
    const field = fc.oneof(
      fc.json().map((j) => JSON.parse(j) as unknown),
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.constantFrom(-1, 1e20, 0.5, "", "http://127.0.0.1/x", "javascript:alert(1)", "=1+1", null),
    );
    const body = fc.oneof(
      fc.json(),
      fc
        .dictionary(
          fc.constantFrom(
            "name",
            "baseUrl",
            "apiKey",
            "slug",
            "weight",
            "headers",
            "authStyle",
            "role",
            "type",
            "config",
            "providers",
            "groupId",
            "password",
            "username",
            "email",
          ),
          field,
        )
        .map((v) => JSON.stringify(v)),
    );
    let runs = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, route], raw) => {
        runs++;
        const answer = await api.call(method, route, { raw, contentType: "application/json" });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${route} ${raw}`).toBeLessThan(500);
        expect(answer.text.includes(ADMIN_SECRET), route).toBe(false);
      }),
      { seed: SEED + 4, numRuns: 200 },
    );
    console.log(`fuzz admin API: ${runs} runs, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  }, 120_000);
});
