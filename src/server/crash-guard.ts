import type { Logger } from "pino";

const SHUTDOWN_BUDGET_MS = 15_000;

/**
 * An uncaught exception or unhandled rejection is a bug: the process is in an unknown state. Log it as
 * one, with its stack (pino's `err` serializer), try the graceful shutdown (drain, flush logs, close
 * stores) within a bounded time, then exit non-zero — never continue silently. A second crash during
 * that shutdown is logged and does not start another one.
 */
export function installCrashGuard(options: {
  logger: Logger;
  shutdown: () => Promise<void>;
  exit?: (code: number) => void;
}): () => void {
  const { logger, shutdown } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let crashing = false;

  const onCrash = (kind: "uncaughtException" | "unhandledRejection", reason: unknown) => {
    const err = reason instanceof Error ? reason : new Error(`non-error thrown: ${String(reason)}`);
    logger.fatal({ err, kind, bug: true }, `bug: ${kind}; shutting down`);
    if (crashing) return;
    crashing = true;
    const budget = setTimeout(() => {
      logger.fatal("graceful shutdown after a crash took too long; exiting");
      exit(1);
    }, SHUTDOWN_BUDGET_MS);
    budget.unref();
    shutdown()
      .catch((shutdownErr: unknown) => logger.error({ err: shutdownErr }, "shutdown after a crash failed"))
      .finally(() => {
        clearTimeout(budget);
        exit(1);
      });
  };
  const onException = (err: unknown) => onCrash("uncaughtException", err);
  const onRejection = (reason: unknown) => onCrash("unhandledRejection", reason);
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}
