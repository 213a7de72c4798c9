import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { EnvError, parseEnv, workersOf, type Env } from "@/config/env";
import { createEdgeServer, type EdgeLimits } from "@/http/edge-server";
import { createLogger } from "@/observability/logger";
import { createDispatcher } from "./dispatch";
import { createLazyNextHandler } from "./next-handler";
import { createRuntime, type Runtime, type RuntimeRole } from "./runtime";
import {
  followPrimaryShutdown,
  isClusterPrimary,
  listenForPrimaryShutdown,
  isClusterWorker,
  runClusterPrimary,
} from "./cluster";
import { installCrashGuard } from "./crash-guard";
import { installShutdown } from "./shutdown";

const RUNTIME_KEY = Symbol.for("roundabout.runtime");

/** The runtime of this process, for code Next bundles separately (server components); null before start. */
export function getProcessRuntime(): Runtime | null {
  return ((globalThis as Record<symbol, unknown>)[RUNTIME_KEY] as Runtime | undefined) ?? null;
}

/**
 * Starts one process: validates the environment, assembles the runtime, serves the gateway (and, in
 * the full role, the admin API, sign-in and the Next console) on one port, and shuts down gracefully.
 */
export async function main(requestedRole: RuntimeRole): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // GATEWAY_ONLY=true turns the full entry point (`npm start`) into the data plane alone.
  const role = roleOf(requestedRole, env);
  const logger = createLogger(env.LOG_LEVEL);
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const workers = workersOf(env, availableParallelism());
  if (isClusterPrimary(workers)) {
    await runClusterPrimary({
      workers,
      logger,
      onListening: (port) => print(`${upMessage(role, env.HOST, port)}  ·  ${workers} workers`),
    });
    return;
  }
  listenForPrimaryShutdown();

  let runtime: Runtime;
  try {
    runtime = await createRuntime(env, logger, { role, print });
  } catch (err) {
    logger.fatal({ err }, "start failed");
    process.stderr.write(`Roundabout could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  (globalThis as Record<symbol, unknown>)[RUNTIME_KEY] = runtime;

  const steps = [...runtime.shutdownSteps];
  if (role === "full") {
    // Next phones home unless told not to; a gateway on a private network should not.
    process.env.NEXT_TELEMETRY_DISABLED ??= "1";
    const dev = env.NODE_ENV !== "production";
    // Prepared on the first console request: a server that only proxies never pays for Next.
    const nextApp = createLazyNextHandler({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
    runtime.handlers.fallback = nextApp.handler;
    steps.unshift({ name: "console", run: () => nextApp.close() });
  }

  const server = createEdgeServer(
    edgeLimitsOf(env),
    createDispatcher(runtime.handlers, (err) => logger.error({ err }, "unhandled request error")),
  );
  const shutdown = installShutdown({ server, steps, logger });
  installCrashGuard({ logger, shutdown });
  followPrimaryShutdown(shutdown);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port, role }, "listening");
  // In a cluster the primary prints the one line, once every worker listens.
  if (!isClusterWorker()) print(upMessage(role, env.HOST, port));
}

function upMessage(role: RuntimeRole, host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return role === "full"
    ? `Roundabout is up: console http://${shown}:${port}  ·  gateway http://${shown}:${port}/api/proxy/{group}`
    : `Roundabout gateway is up: http://${shown}:${port}/api/proxy/{group}`;
}

/** The role a process runs: `gateway` when asked for it or when GATEWAY_ONLY is true. */
export function roleOf(requested: RuntimeRole, env: Pick<Env, "GATEWAY_ONLY">): RuntimeRole {
  return env.GATEWAY_ONLY === "true" || env.GATEWAY_ONLY === "1" ? "gateway" : requested;
}

/** The edge limits (slow clients, header sizes) of a validated environment. */
export function edgeLimitsOf(env: Env): EdgeLimits {
  return {
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: env.BODY_TIMEOUT_MS,
    idleTimeoutMs: env.IDLE_TIMEOUT_MS,
    maxHeaderBytes: env.MAX_HEADER_BYTES,
    maxHeadersCount: env.MAX_HEADERS_COUNT,
  };
}
