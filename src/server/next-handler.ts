import type { NodeHandler } from "@/http/node-response";

export interface NextHandlerOptions {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
}

/** Prepares Next (the console) and returns its request handler; production needs a prior `next build`. */
export async function prepareNextHandler(options: NextHandlerOptions) {
  const { default: next } = await import("next");
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const handler: NodeHandler = (req, res) => handle(req, res);
  return { handler, close: () => app.close() };
}

/**
 * The console's handler, prepared on the first request that needs it rather than at start: a server
 * that only proxies never loads Next (most of an idle full server's memory). Requests arriving while
 * it prepares wait for it; a failed preparation is retried by the next console request.
 */
export function createLazyNextHandler(
  options: NextHandlerOptions,
  prepare: typeof prepareNextHandler = prepareNextHandler,
): { handler: NodeHandler; close: () => Promise<void>; readonly prepared: boolean } {
  let ready: ReturnType<typeof prepareNextHandler> | null = null;
  let closed = false;
  const load = () => {
    ready ??= prepare(options).catch((err: unknown) => {
      ready = null;
      throw err;
    });
    return ready;
  };
  return {
    handler: async (req, res) => {
      if (closed) throw new Error("the console is shut down");
      const { handler } = await load();
      await handler(req, res);
    },
    close: async () => {
      closed = true;
      // Only a console that was (or is being) prepared has anything to close.
      const app = await ready?.catch(() => null);
      await app?.close();
    },
    get prepared() {
      return ready !== null;
    },
  };
}
