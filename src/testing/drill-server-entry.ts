// Test-only entry point (spawned by src/server/crash-drill.int.test.ts and cluster.int.test.ts): the full runtime without the
// Next console, on the production server factory, shutdown and crash guard. DRILL_THROW_AFTER_MS makes
// it throw from a timer, as a bug would.
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { parseEnv, workersOf } from "@/config/env";
import { createEdgeServer } from "@/http/edge-server";
import { createLogger } from "@/observability/logger";
import {
  followPrimaryShutdown,
  isClusterPrimary,
  listenForPrimaryShutdown,
  runClusterPrimary,
} from "@/server/cluster";
import { installCrashGuard } from "@/server/crash-guard";
import { createDispatcher } from "@/server/dispatch";
import { edgeLimitsOf } from "@/server/main";
import { createRuntime } from "@/server/runtime";
import { installShutdown } from "@/server/shutdown";

async function runDrillServer(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  // WORKERS > 1: this process is the cluster primary, exactly as in main(); the workers rerun this file.
  const workers = workersOf(env, availableParallelism());
  if (isClusterPrimary(workers)) {
    await runClusterPrimary({
      workers,
      logger,
      onListening: (port) => logger.info({ port, workers }, "cluster listening"),
    });
    return;
  }
  listenForPrimaryShutdown();
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
  followPrimaryShutdown(shutdown);
  await new Promise<void>((resolve) =>
    server.listen(Number(process.env.DRILL_PORT ?? 0), "127.0.0.1", resolve),
  );
  logger.info({ port: (server.address() as AddressInfo).port }, "listening");
  const throwAfter = Number(process.env.DRILL_THROW_AFTER_MS ?? 0);
  if (throwAfter > 0) {
    setTimeout(() => {
      throw new TypeError("drill: Cannot read properties of null (reading 'write')");
    }, throwAfter);
  }
}

void runDrillServer();
