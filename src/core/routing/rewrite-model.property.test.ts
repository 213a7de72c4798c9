/**
 * Property tests of the byte-span alias rewrite (issue 11 spirit: a membership's `modelMap` value is
 * operator input, the body is client input): whatever the names hold — quotes, backslashes, `\u`
 * escapes, control characters, lone surrogates, astral characters, thousands of characters — the
 * forwarded body is valid JSON, equal to the client's with only `model` changed, and every byte
 * outside the model strings is the client's own. The seed is printed (FUZZ_SEED replays a run).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkModelPattern } from "../vocabulary/models";
import { findRequestModel } from "./request-model";
import { rewriteRequestModel } from "./rewrite-model";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = 500;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Names built from JSON's metacharacters and odd code points, or any string at all. */
const META = [
  '"',
  "\\",
  "\\u0022",
  "\\\\",
  "/",
  "\u2028",
  "\u0000",
  "\n",
  "\ud83d\ude00",
  "\ud800",
  "}",
  "{",
  ":",
];
const name = fc.oneof(
  fc.string({ minLength: 1, unit: fc.constantFrom(...META, "a", "é", " ") }),
  fc.string({ minLength: 1, unit: "binary" }),
  fc.string({ minLength: 1, maxLength: 5_000, unit: "grapheme" }),
);

/** A client body: other top-level fields, then `model` placed among them, in one of several layouts. */
const body = fc.record({
  before: fc.dictionary(
    fc.string().filter((k) => k !== "model"),
    fc.jsonValue({ maxDepth: 3 }),
  ),
  after: fc.dictionary(
    fc.string().filter((k) => k !== "model"),
    fc.jsonValue({ maxDepth: 3 }),
  ),
  indent: fc.constantFrom(undefined, 0, 2, "\t"),
  escapedKey: fc.boolean(),
});

function layout(
  model: string,
  shape: { before: object; after: object; indent: string | number | undefined; escapedKey: boolean },
): string {
  const before = JSON.stringify(shape.before, null, shape.indent);
  const after = JSON.stringify(shape.after, null, shape.indent);
  const key = shape.escapedKey ? '"\\u006dodel"' : '"model"';
  const inner = [before.slice(1, -1).trim(), `${key}: ${JSON.stringify(model)}`, after.slice(1, -1).trim()];
  return `{${inner.filter((part) => part !== "").join(",")}}`;
}

describe("alias rewrite under generated names and bodies", () => {
  it("forwards valid JSON with only `model` changed, byte for byte elsewhere", () => {
    console.log(`rewrite-model fuzz seed ${SEED}, ${RUNS} runs (replay with FUZZ_SEED=${SEED})`);
    fc.assert(
      fc.property(name, name, body, (clientModel, upstreamModel, shape) => {
        fc.pre(clientModel !== upstreamModel);
        const text = layout(clientModel, shape);
        const original = JSON.parse(text) as Record<string, unknown>;
        const bytes = encoder.encode(text);
        const found = findRequestModel(bytes, "/v1/chat/completions");
        // JSON.stringify escapes lone surrogates, so the client's body is well-formed UTF-8.
        expect(decoder.decode(bytes)).toBe(text);
        expect(found?.model).toBe(clientModel);
        const out = rewriteRequestModel(bytes, "/v1/chat/completions", found!, {
          [clientModel]: upstreamModel,
        });
        expect(out.upstreamModel).toBe(upstreamModel);
        const forwarded = new TextDecoder().decode(out.body);
        const parsed = JSON.parse(forwarded) as Record<string, unknown>;
        expect(parsed).toEqual({ ...original, model: upstreamModel });
        expect(Object.keys(parsed)).toEqual(Object.keys(original));
        // Outside the one model string, the bytes are the client's.
        const span = found!.source === "body" ? found!.spans[0]! : null;
        expect(span).not.toBeNull();
        const tail = bytes.length - span!.end;
        expect(
          Buffer.from(out.body.subarray(0, span!.start)).equals(Buffer.from(bytes.subarray(0, span!.start))),
        ).toBe(true);
        expect(
          Buffer.from(out.body.subarray(out.body.length - tail)).equals(
            Buffer.from(bytes.subarray(span!.end)),
          ),
        ).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("path models (`/models/{name}:verb`): any name configuration accepts round-trips through the path", () => {
    const accepted = name.filter((n) => checkModelPattern(n) === null);
    fc.assert(
      fc.property(
        accepted,
        accepted,
        fc.constantFrom("", ":generateContent", ":streamGenerateContent"),
        (client, upstream, verb) => {
          fc.pre(client !== upstream);
          const path = `/v1beta/models/${encodeURIComponent(client)}${verb}`;
          const found = findRequestModel(new Uint8Array(0), path);
          expect(found?.model).toBe(client);
          const out = rewriteRequestModel(new Uint8Array(0), path, found!, { [client]: upstream });
          expect(out.path.startsWith("/v1beta/models/")).toBe(true);
          expect(out.path.endsWith(verb)).toBe(true);
          const segment = out.path.slice("/v1beta/models/".length, out.path.length - verb.length);
          expect(segment).not.toMatch(/[/?#]/);
          expect(decodeURIComponent(segment)).toBe(upstream);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("configuration refuses what the rewrite could not carry: control characters, lone surrogates", () => {
    expect(checkModelPattern("a\ud800")).toMatch(/surrogate/);
    expect(checkModelPattern("a\u0000")).toMatch(/control/);
    expect(checkModelPattern("\ud83d\ude00")).toBeNull();
  });

  it("rewrites a 1 MB upstream name and duplicate model keys alike", () => {
    const long = `x"\\${"\u00e9".repeat(500_000)}\ud800`;
    const text = '{"model":"a","stream":true,"model":"a"}';
    const bytes = encoder.encode(text);
    const out = rewriteRequestModel(bytes, "/v1/messages", findRequestModel(bytes, "/v1/messages")!, {
      a: long,
    });
    const parsed = JSON.parse(new TextDecoder().decode(out.body)) as { model: string; stream: boolean };
    expect(parsed).toEqual({ model: long, stream: true });
    expect(new TextDecoder().decode(out.body).match(/"model":/g)).toHaveLength(2);
  });
});
