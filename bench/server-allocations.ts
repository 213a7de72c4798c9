/**
 * `npm run bench:alloc [-- --connections N --duration S --top N]`: what the real server allocates per
 * proxied request, and where. Starts the server as `npm start` does (embedded default, fresh DATA_DIR,
 * console page loaded, bench/server-process.ts) with three mock upstreams on loopback, warms it up,
 * then runs V8's sampling heap profiler over one load window — counting objects later collected by
 * minor and major GCs too, so the figure is allocation, not what survived — and prints the bytes per
 * request by allocating function. The profile is written to .bench/profiles/server-alloc.heapprofile
 * (open it in Chrome DevTools' Memory tab). Allocation drives the young-generation GC and V8's helper
 * threads, ~15 % of the server's CPU at 16 connections.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startMockUpstream } from "../src/testing/mock-upstream";
import { connectInspector } from "./inspector-client";
import { runLoad } from "./load";
import { chatTarget } from "./measure";
import { startRealServer } from "./server-process";
import { serverSide } from "./server-sides";

const argsSchema = z.strictObject({
  connections: z.coerce.number().int().min(1).max(256).default(16),
  duration: z.coerce.number().int().min(1).max(60).default(8),
  top: z.coerce.number().int().min(1).max(200).default(30),
});

/** One node of V8's sampling heap profile. */
interface AllocationNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly selfSize: number;
  readonly children: AllocationNode[];
}

/** Bytes per allocating function (name, file and line), summed over the profile's tree. */
function bytesByFunction(head: AllocationNode): Map<string, number> {
  const out = new Map<string, number>();
  const stack = [head];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const f = node.callFrame;
    const where = f.url === "" ? "" : ` ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    const name = `${f.functionName || "(anonymous)"}${where}`;
    out.set(name, (out.get(name) ?? 0) + node.selfSize);
    stack.push(...node.children);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { connections: { type: "string" }, duration: { type: "string" }, top: { type: "string" } },
  });
  const options = argsSchema.parse(values);
  const mocks = await Promise.all([0, 1, 2].map(() => startMockUpstream({ record: false })));
  const dir = mkdtempSync(path.join(tmpdir(), "rb-bench-alloc-"));
  const logFile = path.join(dir, "server.log");
  try {
    const server = await startRealServer({
      name: "server",
      dataDir: path.join(dir, "data"),
      env: {},
      cpu: null,
      inspect: true,
      logFile,
      upstreams: mocks.map((m) => m.url),
    });
    try {
      if (server.inspectPort === null) throw new Error("the server was started without its inspector");
      const inspector = await connectInspector(server.inspectPort);
      const target = chatTarget(serverSide("server", server));
      await runLoad(target, { connections: options.connections, durationS: 3 });
      await inspector.call("HeapProfiler.enable");
      await inspector.call("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      const load = await runLoad(target, { connections: options.connections, durationS: options.duration });
      const { profile } = (await inspector.call("HeapProfiler.stopSampling")) as {
        profile: { head: AllocationNode };
      };
      inspector.close();
      mkdirSync(".bench/profiles", { recursive: true });
      writeFileSync(".bench/profiles/server-alloc.heapprofile", JSON.stringify(profile));
      const byFunction = bytesByFunction(profile.head);
      const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
      const perRequest = (bytes: number) => Math.round(bytes / load.responses);
      console.log(
        `${load.responses} responses at ${options.connections} connection(s); ` +
          `~${perRequest(total).toLocaleString("en")} bytes allocated per request (sampled every 4 KB)`,
      );
      for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, options.top)) {
        console.log(`${String(perRequest(bytes)).padStart(7)} B  ${name}`);
      }
    } finally {
      await server.close();
    }
  } finally {
    await Promise.all(mocks.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
