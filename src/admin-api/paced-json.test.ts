import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "@/core/errors/catalogue";
import { MAX_JSON_DEPTH } from "./http-io";
import { parseJsonTextPaced } from "./paced-json";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** The INVALID_JSON error of a paced parse with tiny pieces (so every container is walked), or null. */
async function pacedError(text: string, piece = 4): Promise<AppError | null> {
  try {
    await parseJsonTextPaced(text, piece);
    return null;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

describe("parseJsonTextPaced", () => {
  it("gives JSON.parse's value for any JSON, whatever the piece size and spacing", async () => {
    console.log(`paced-json seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 6 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (value, piece, pretty) => {
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          expect(await parseJsonTextPaced(text, piece)).toEqual(JSON.parse(text));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("refuses what JSON.parse refuses, with INVALID_JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 4 }),
        fc.nat(),
        fc.constantFrom(",", "]", "}", ":", '"', "x", ""),
        async (value, at, junk) => {
          const text = JSON.stringify(value);
          const i = at % (text.length + 1);
          const broken = text.slice(0, i) + junk + text.slice(i + (junk === "" ? 1 : 0));
          let valid = true;
          try {
            JSON.parse(broken);
          } catch {
            valid = false;
          }
          const err = await pacedError(broken);
          if (valid) expect(err).toBeNull();
          else expect(err?.code).toBe("INVALID_JSON");
        },
      ),
      { seed: SEED + 1, numRuns: 500 },
    );
  });

  it("keeps __proto__ an own property, as JSON.parse does", async () => {
    const parsed = (await parseJsonTextPaced(
      '{"__proto__": {"admin": true}, "a": [1, 2, 3, 4, 5]}',
      4,
    )) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(["__proto__", "a"]);
    expect((parsed as { admin?: boolean }).admin).toBeUndefined();
  });

  it("reports the position in the whole body and refuses nesting past the limit", async () => {
    const text = `{"providers": [{"name": "a"}, {"name": "b",}], "groups": []}`;
    expect(() => JSON.parse(text)).toThrow();
    const err = await pacedError(text);
    expect(err?.code).toBe("INVALID_JSON");
    expect(err?.message).toContain("JSON");
    const deep = `{"a": ${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}}`;
    expect((await pacedError(deep))?.message).toContain(`deeper than ${MAX_JSON_DEPTH}`);
    const limit = `${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`;
    expect(await parseJsonTextPaced(limit, 4)).toEqual(JSON.parse(limit));
  });

  it("gives the event loop turns while parsing a large body", async () => {
    const doc = {
      version: 1,
      providers: Array.from({ length: 100_000 }, (_, i) => ({
        name: `p-${i}`,
        baseUrl: `https://a.example/${i}`,
        weight: i % 5,
      })),
    };
    const text = JSON.stringify(doc);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      expect(await parseJsonTextPaced(text, 256)).toEqual(doc);
    } finally {
      clearInterval(ticker);
    }
    expect(turns).toBeGreaterThan(0);
  });
});
