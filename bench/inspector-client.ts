import { WebSocket } from "undici";

/**
 * A minimal Chrome DevTools Protocol client for another process's inspector (the real server started
 * with `--inspect=127.0.0.1:PORT`): numbered calls over the inspector's WebSocket, each answered or
 * failed within CALL_TIMEOUT_MS. Used by the CPU profiler (server-profiler.ts) and the allocation
 * profiler (server-allocations.ts). Loopback only.
 */
export interface InspectorClient {
  /** Sends one protocol method and resolves with its `result`. */
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

const CALL_TIMEOUT_MS = 60_000;

/** Connects to the first inspector target on 127.0.0.1:`port`. */
export async function connectInspector(port: number): Promise<InspectorClient> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`inspector WebSocket ${url} failed`)), {
      once: true,
    });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (msg.id === undefined) return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) waiter?.reject(new Error(msg.error.message));
    else waiter?.resolve(msg.result);
  });
  return {
    call: (method, params = {}) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`inspector ${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}
