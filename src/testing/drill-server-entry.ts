// Test-only entry point (spawned by src/server/crash-drill.int.test.ts): the full runtime without the
// Next console, on the production server factory, shutdown and crash guard. DRILL_THROW_AFTER_MS makes
// it throw from a timer, as a bug would.
import type { AddressInfo } from "node:net";
import { parseEnv } from "@/config/env";
import { createEdgeServer } from "@/http/edge-server";
import { createLogger } from "@/observability/logger";
import { installCrashGuard } from "@/server/crash-guard";
import { createDispatcher } from "@/server/dispatch";
import { edgeLimitsOf } from "@/server/main";
import { createRuntime } from "@/server/runtime";
import { installShutdown } from "@/server/shutdown";

async function runDrillServer(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const runtime = await createRuntime(env, logger, { role: "full", print: () => undefined });
  const server = createEdgeServer(
    edgeLimitsOf(env),
    createDispatcher(runtime.handlers, (err) => logger.error({ err }, "unhandled request error")),
  );
  const shutdown = installShutdown({
    server,
    steps: [...runtime.shutdownSteps],
    logger,
    drainTimeoutMs: Number(process.env.DRILL_DRAIN_MS ?? 1_000),
  });
  installCrashGuard({ logger, shutdown });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  logger.info({ port: (server.address() as AddressInfo).port }, "listening");
  const throwAfter = Number(process.env.DRILL_THROW_AFTER_MS ?? 0);
  if (throwAfter > 0) {
    setTimeout(() => {
      throw new TypeError("drill: Cannot read properties of null (reading 'write')");
    }, throwAfter);
  }
}

void runDrillServer();
