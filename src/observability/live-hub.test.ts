import { describe, expect, it } from "vitest";
import { createHealthRegistry } from "../core/health/health-registry";
import { createLiveHub } from "./live-hub";

/** The hub's replay buffer, driven by a real health registry on a fixed clock (no timers start). */

function setup(bufferSize: number) {
  let t = 1_000_000;
  const now = () => t;
  const registry = createHealthRegistry({ now });
  const hub = createLiveHub({ now, bufferSize });
  hub.attach({ health: registry });
  const flip = (id: string) => {
    t += 10;
    registry.eject(id);
    t += 10;
    registry.restore(id);
  };
  return { hub, flip };
}

describe("live hub replay", () => {
  it("replays exactly the events after the given id", () => {
    const { hub, flip } = setup(10);
    flip("p1");
    flip("p2");
    const all = hub.since(0)!;
    expect(all.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(all.map((e) => e.type === "health" && `${e.data.providerId}:${e.data.to}`)).toEqual([
      "p1:ejected",
      "p1:healthy",
      "p2:ejected",
      "p2:healthy",
    ]);
    expect(hub.since(2)!.map((e) => e.id)).toEqual([3, 4]);
    expect(hub.since(4)).toEqual([]);
    expect(hub.snapshot().lastId).toBe(4);
  });

  it("answers null (send a snapshot) when the id is too old or unknown", () => {
    const { hub, flip } = setup(3);
    flip("p1");
    flip("p2"); // ids 1..4; the ring keeps 2..4
    expect(hub.since(0)).toBeNull();
    expect(hub.since(1)!.map((e) => e.id)).toEqual([2, 3, 4]);
    expect(hub.since(5)).toBeNull();
    expect(hub.since(-1)).toBeNull();
  });

  it("stops listening to health once detached or closed", () => {
    const { hub, flip } = setup(10);
    hub.close();
    flip("p1");
    expect(hub.snapshot().lastId).toBe(0);
    expect(hub.listenerCount()).toBe(0);
  });

  it("counts nothing and starts no timer while nobody listens", () => {
    const hub = createLiveHub({ now: () => 0 });
    hub.observeRequest({
      id: "r",
      createdAt: new Date(0),
      method: "GET",
      path: "/",
      status: 200,
      totalMs: 1,
    });
    expect(hub.snapshot()).toMatchObject({ lastId: 0, traffic: null, health: [] });
  });

  it("counts a 2xx that failed afterwards as a failure, like the statistics do", async () => {
    const hub = createLiveHub({ intervalMs: 20 });
    const samples: number[] = [];
    const got = new Promise<void>((resolve) =>
      hub.subscribe((event) => {
        if (event.type !== "traffic" || event.data.totals.requests === 0) return;
        samples.push(event.data.totals.successRate ?? -1);
        resolve();
      }),
    );
    const row = { createdAt: new Date(0), method: "POST", path: "/v1/x", totalMs: 1 };
    hub.observeRequest({ ...row, id: "ok", status: 200 });
    hub.observeRequest({ ...row, id: "cut", status: 200, errorCode: "UPSTREAM_RESET" });
    hub.observeRequest({ ...row, id: "bad", status: 502, errorCode: "UPSTREAM_BAD_STATUS" });
    hub.observeRequest({ ...row, id: "redirect", status: 302 });
    await got;
    hub.close();
    expect(samples[0]).toBe(0.5);
  });
});
