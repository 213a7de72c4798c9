/**
 * Benchmark child: three mock upstreams (OpenAI and Anthropic shapes) on 127.0.0.1, in one process of
 * their own so their CPU is not billed to the proxies. Streams carry `--events` content events spaced
 * `--interval-ms` apart; JSON answers are immediate unless `--latency-ms` is given.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { startMockUpstream, type MockUpstream } from "../src/testing/mock-upstream";
import { serveBenchChild } from "./child-ipc";

const argsSchema = z.strictObject({
  count: z.coerce.number().int().min(1).max(16).default(3),
  events: z.coerce.number().int().min(2).max(1000).default(20),
  "interval-ms": z.coerce.number().min(0).max(10_000).default(20),
  "latency-ms": z.coerce.number().min(0).max(10_000).default(0),
});

serveBenchChild(async () => {
  const { values } = parseArgs({
    options: {
      count: { type: "string" },
      events: { type: "string" },
      "interval-ms": { type: "string" },
      "latency-ms": { type: "string" },
    },
    strict: true,
  });
  const args = argsSchema.parse(values);
  // Two characters per piece, so splitText yields exactly `events` content deltas.
  const text = "ab".repeat(args.events);
  const mocks: MockUpstream[] = [];
  try {
    for (let i = 0; i < args.count; i++) {
      mocks.push(
        await startMockUpstream({
          record: false,
          behaviour: {
            text,
            chunks: args.events,
            chunkDelayMs: args["interval-ms"],
            delayMs: args["latency-ms"],
          },
        }),
      );
    }
  } catch (err) {
    await Promise.all(mocks.map((m) => m.close()));
    throw err;
  }
  return {
    urls: Object.fromEntries(mocks.map((m, i) => [`mock${i}`, m.url])),
    extra: () => ({ requests: mocks.reduce((n, m) => n + m.requestCount, 0) }),
    close: async () => {
      await Promise.all(mocks.map((m) => m.close()));
    },
  };
});
