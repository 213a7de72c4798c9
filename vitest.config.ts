import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.join(import.meta.dirname, "src") } },
  test: {
    include: ["src/**/*.test.ts", "tests/**/*.test.ts", "tests/**/*.e2e.ts", "eslint.config.test.ts"],
    globalSetup: ["./src/testing/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // Tests talk to mock upstreams and receivers on loopback: allowed explicitly, as an operator would
    // (spawned servers inherit it; in-process harnesses pass src/testing/loopback-outbound.ts).
    env: { NODE_ENV: "test", OUTBOUND_ALLOW: "127.0.0.0/8,::1" },
  },
});
