import type { NodeHandler } from "@/http/node-response";

/** Prepares Next (the console) and returns its request handler; production needs a prior `next build`. */
export async function prepareNextHandler(options: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
}) {
  const { default: next } = await import("next");
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const handler: NodeHandler = (req, res) => handle(req, res);
  return { handler, close: () => app.close() };
}
