import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { parseEnv } from "@/config/env";
import { createEdgeServer } from "@/http/edge-server";
import { createLogger } from "@/observability/logger";
import { createDispatcher } from "@/server/dispatch";
import { edgeLimitsOf } from "@/server/main";
import { createRuntime, type Runtime, type RuntimeRole } from "@/server/runtime";
import { LOOPBACK_OUTBOUND_ALLOW } from "./loopback-outbound";

export interface RunningProcess {
  readonly url: string;
  readonly runtime: Runtime;
  /** Every JSON log line and every printed line, in order. */
  readonly output: string[];
  /** Stops the HTTP server and runs the runtime's shutdown steps, as SIGTERM would. */
  stop(): Promise<void>;
}

/**
 * Starts the real runtime (everything but the Next console) on 127.0.0.1:0 with the given environment,
 * capturing its log output so tests can inspect every line it wrote.
 */
export async function startTestProcess(
  vars: Record<string, string | undefined>,
  role: RuntimeRole = "full",
): Promise<RunningProcess> {
  const output: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      output.push(chunk.toString("utf8"));
      done();
    },
  });
  // Loopback upstreams are allowed explicitly (pass OUTBOUND_ALLOW: "" to test the default refusal).
  const env = parseEnv({
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "debug",
    OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
    ...vars,
  });
  const logger = createLogger(env.LOG_LEVEL, sink);
  const runtime = await createRuntime(env, logger, { role, print: (text) => output.push(text) });
  const server: Server = createEdgeServer(
    edgeLimitsOf(env),
    createDispatcher(runtime.handlers, (err) => logger.error({ err }, "x")),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    output,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      for (const step of runtime.shutdownSteps) await step.run();
    },
  };
}
