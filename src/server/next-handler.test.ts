import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { createLazyNextHandler, type prepareNextHandler } from "./next-handler";

const OPTIONS = { dev: false, dir: ".", hostname: "127.0.0.1", port: 0 };
const req = {} as IncomingMessage;
const res = {} as ServerResponse;

function fakePrepare(failures = 0) {
  const handled: number[] = [];
  const close = vi.fn(async () => undefined);
  let calls = 0;
  const prepare = vi.fn(async () => {
    calls++;
    if (calls <= failures) throw new Error("next build missing");
    return { handler: () => void handled.push(calls), close };
  }) as unknown as typeof prepareNextHandler;
  return { prepare, handled, close };
}

describe("lazy console handler", () => {
  it("prepares Next on the first console request, once for concurrent requests", async () => {
    const fake = fakePrepare();
    const lazy = createLazyNextHandler(OPTIONS, fake.prepare);
    expect(lazy.prepared).toBe(false);
    expect(fake.prepare).not.toHaveBeenCalled();
    await Promise.all([lazy.handler(req, res), lazy.handler(req, res), lazy.handler(req, res)]);
    expect(fake.prepare).toHaveBeenCalledTimes(1);
    expect(fake.handled).toHaveLength(3);
    await lazy.close();
    expect(fake.close).toHaveBeenCalledTimes(1);
  });

  it("retries a failed preparation on the next request", async () => {
    const fake = fakePrepare(1);
    const lazy = createLazyNextHandler(OPTIONS, fake.prepare);
    await expect(lazy.handler(req, res)).rejects.toThrow("next build missing");
    await lazy.handler(req, res);
    expect(fake.prepare).toHaveBeenCalledTimes(2);
    expect(fake.handled).toHaveLength(1);
  });

  it("closes without ever preparing when no console request came", async () => {
    const fake = fakePrepare();
    const lazy = createLazyNextHandler(OPTIONS, fake.prepare);
    await lazy.close();
    expect(fake.prepare).not.toHaveBeenCalled();
    await expect(lazy.handler(req, res)).rejects.toThrow("shut down");
  });
});
