import { spawnSync } from "node:child_process";
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewRequestLogRow } from "../../db/schema/request-logs";
import { createLogger } from "../../observability/logger";
import { openFreeLogSpill, openLogSpill, type LogSpill, type LogSpillOptions } from "./log-spill";

let dir: string;
let lines: string[];
const spills: LogSpill[] = [];
let seq = 0;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rb-spill-"));
  lines = [];
});

afterEach(async () => {
  await Promise.all(spills.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

const logger = () => createLogger("debug", { write: (l: string) => void lines.push(l) });
const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);

async function open(options: Partial<LogSpillOptions> = {}): Promise<LogSpill> {
  const spill = await openLogSpill({ dir, logger: logger(), ...options });
  spills.push(spill);
  return spill;
}

async function closeAll(): Promise<void> {
  await Promise.all(spills.splice(0).map((s) => s.close()));
}

function row(extra: Partial<NewRequestLogRow> = {}): NewRequestLogRow {
  return {
    id: `r-${String(++seq).padStart(6, "0")}`,
    createdAt: new Date(1_700_000_000_000 + seq),
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 12,
    attempts: [{ providerId: "p", provider: "a", startMs: 0, endMs: 12, ms: 12, outcome: "success" }],
    ...extra,
  };
}

const batch = (n: number) => Array.from({ length: n }, () => row());

/** Replays everything into an array of batches (ids only). */
async function drain(spill: LogSpill): Promise<string[][]> {
  const got: string[][] = [];
  const result = await spill.replay(async (rows) => {
    got.push(rows.map((r) => r.id));
  });
  expect(result.complete).toBe(true);
  return got;
}

const segmentFiles = async () => (await readdir(dir)).filter((f) => f.startsWith("seg-")).sort();

describe("request-log spill", () => {
  it("appends batches and replays them oldest first, rows intact (Dates too), then deletes them", async () => {
    const spill = await open({ segmentBytes: 2_000 });
    const batches = [batch(3), [row({ ttfbMs: null, model: "claude", streamed: true })], batch(5), batch(2)];
    for (const b of batches) expect(await spill.append(b)).toBe(true);
    expect((await segmentFiles()).length).toBeGreaterThan(1); // rotated by size
    expect(spill.stats()).toMatchObject({ records: 4, rows: 11, appendedRows: 11, refusedRows: 0 });
    expect(spill.stats().bytes).toBeGreaterThan(0);

    const seen: NewRequestLogRow[][] = [];
    const result = await spill.replay(async (rows) => void seen.push(rows));
    expect(result).toEqual({ records: 4, rows: 11, complete: true });
    expect(seen).toEqual(batches);
    expect(seen[0]![0]!.createdAt).toBeInstanceOf(Date);
    expect(spill.stats()).toMatchObject({ records: 0, rows: 0, bytes: 0, replayedRows: 11 });
    expect(await segmentFiles()).toEqual([]);
  });

  it("keeps a record whose consumer failed, and resumes there without repeating earlier ones", async () => {
    const spill = await open();
    const batches = [batch(2), batch(2), batch(2)];
    for (const b of batches) await spill.append(b);
    const got: string[][] = [];
    let calls = 0;
    const failing = await spill.replay(async (rows) => {
      if (++calls === 2) throw new Error("database unreachable");
      got.push(rows.map((r) => r.id));
    });
    expect(failing).toMatchObject({ records: 1, rows: 2, complete: false });
    expect((failing.error as Error).message).toBe("database unreachable");
    expect(spill.stats()).toMatchObject({ records: 2, rows: 4 });
    got.push(...(await drain(spill)));
    expect(got).toEqual(batches.map((b) => b.map((r) => r.id)));
  });

  it("survives a restart: records appended before close are replayed once by the next process", async () => {
    const first = await open({ segmentBytes: 1_500 });
    const batches = [batch(4), batch(4), batch(4)];
    for (const b of batches) await first.append(b);
    // Consumed the first record, then the process went away before the rest.
    let calls = 0;
    await first.replay(async () => {
      if (++calls > 1) throw new Error("gone");
    });
    await closeAll();

    const second = await open({ segmentBytes: 1_500 });
    expect(second.stats()).toMatchObject({ records: 2, rows: 8 });
    expect(await drain(second)).toEqual(batches.slice(1).map((b) => b.map((r) => r.id)));
    await closeAll();
    const third = await open();
    expect(third.stats()).toMatchObject({ records: 0, bytes: 0 });
    expect(await drain(third)).toEqual([]);
    // New segments after an emptied folder are not mistaken for consumed ones.
    await third.append(batch(1));
    await closeAll();
    const fourth = await open();
    expect(fourth.stats().records).toBe(1);
  });

  it("truncates a torn record at a segment's end (a crash mid-write) and reports it", async () => {
    const first = await open();
    const batches = [batch(2), batch(2)];
    for (const b of batches) await first.append(b);
    await closeAll();
    const [file] = await segmentFiles();
    const whole = (await stat(path.join(dir, file!))).size;
    // The first 30 bytes of a record: header and part of a payload.
    await appendFile(path.join(dir, file!), Buffer.concat([Buffer.from("RBSR"), Buffer.alloc(26, 7)]));

    const second = await open();
    expect(second.stats()).toMatchObject({ records: 2, tornRecords: 1 });
    expect((await stat(path.join(dir, file!))).size).toBe(whole);
    expect(messages().some((m) => m.includes("torn record"))).toBe(true);
    expect(await drain(second)).toEqual(batches.map((b) => b.map((r) => r.id)));
  });

  it("skips a damaged record in the middle, counts it and logs it, and never throws", async () => {
    const spill = await open();
    const batches = [batch(2), batch(3), batch(2)];
    for (const b of batches) await spill.append(b);
    await closeAll();
    const file = path.join(dir, (await segmentFiles())[0]!);
    const bytes = await readFile(file);
    const second = bytes.indexOf(batches[1]![1]!.id);
    bytes[second] = bytes[second]! ^ 0x20;
    await writeFile(file, bytes);

    const reopened = await open();
    // A replay that stops right after the damaged record, then another one: it is counted once.
    const got: string[][] = [];
    const stopped = await reopened.replay(async (rows) => {
      if (got.length === 1) throw new Error("database unreachable");
      got.push(rows.map((r) => r.id));
    });
    expect(stopped).toMatchObject({ records: 1, complete: false });
    got.push(...(await drain(reopened)));
    expect(got).toEqual([batches[0], batches[2]].map((b) => b!.map((r) => r.id)));
    expect(reopened.stats()).toMatchObject({ corruptRecords: 1, records: 0 });
    expect(messages().filter((m) => m.includes("damaged record skipped"))).toHaveLength(1);
  });

  it("refuses appends beyond maxBytes (counted), warns at 50/80/95 % once each, and re-arms as it drains", async () => {
    // Batches of two rows all have the same size here: room for exactly ten of them.
    const probe = await open({ dir: path.join(dir, "probe") });
    await probe.append(batch(2));
    const recordBytes = probe.stats().bytes - 8;
    await closeAll();
    lines = [];
    const spill = await open({ maxBytes: 8 + 10 * recordBytes, segmentBytes: 1_000_000 });
    const accepted: boolean[] = [];
    for (let i = 0; i < 12; i++) accepted.push(await spill.append(batch(2)));
    expect(accepted).toEqual([...Array<boolean>(10).fill(true), false, false]);
    const s = spill.stats();
    expect(s).toMatchObject({ bytes: 8 + 10 * recordBytes, fillRatio: 1, refusedRows: 4, rows: 20 });
    const fill = () => messages().filter((m) => /request-log spill is \d+ % full/.test(m));
    expect(fill()).toEqual([
      "request-log spill is 50 % full",
      "request-log spill is 80 % full",
      "request-log spill is 95 % full",
    ]);
    expect(messages().filter((m) => m.includes("refused rows"))).toHaveLength(1); // throttled

    await drain(spill);
    for (let i = 0; i < 5; i++) await spill.append(batch(2));
    expect(fill()).toHaveLength(4);
    expect(fill()[3]).toBe("request-log spill is 50 % full");
  });

  it("replays batches appended during a replay as well", async () => {
    const spill = await open({ segmentBytes: 1_000 });
    await spill.append(batch(2));
    const extra = batch(3);
    const got: string[][] = [];
    const result = await spill.replay(async (rows) => {
      if (got.length === 0) await spill.append(extra);
      got.push(rows.map((r) => r.id));
    });
    expect(result).toMatchObject({ records: 2, complete: true });
    expect(got[1]).toEqual(extra.map((r) => r.id));
  });

  it("is held by one process at a time; a stale lock is taken over; a foreign file is set aside", async () => {
    await open();
    await expect(openLogSpill({ dir, logger: logger() })).rejects.toThrow(/already open/);
    await closeAll();

    // A lock left by a process that is gone.
    const gone = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid;
    await writeFile(path.join(dir, "lock"), String(gone));
    await open();
    await closeAll();
    // A lock held by a live process (pid 1 always runs).
    await writeFile(path.join(dir, "lock"), "1");
    await expect(openLogSpill({ dir, logger: logger() })).rejects.toThrow(/in use by process 1/);
    await rm(path.join(dir, "lock"));

    await writeFile(path.join(dir, "seg-000000000099.log"), "something else entirely");
    const spill = await open();
    expect(spill.stats().records).toBe(0);
    expect(await readdir(dir)).toContain("seg-000000000099.log.corrupt");
  });

  it("gives a second process on the same data folder a slot of its own (spill-2, …)", async () => {
    const first = await openFreeLogSpill(dir, { logger: logger() });
    const second = await openFreeLogSpill(dir, { logger: logger() });
    spills.push(first, second);
    await second.append(batch(3));
    expect((await readdir(dir)).sort()).toEqual(["spill", "spill-2"]);
    await expect(openFreeLogSpill(dir, { logger: logger(), slots: 2 })).rejects.toThrow(/in this process/);
    await closeAll();
    // The next processes take the slots again, and with them what was left there.
    const again = [
      await openFreeLogSpill(dir, { logger: logger() }),
      await openFreeLogSpill(dir, { logger: logger() }),
    ];
    spills.push(...again);
    expect(again.map((s) => s.stats().rows)).toEqual([0, 3]);
  });

  it("refuses appends after close and finishes the ones requested before", async () => {
    const spill = await open();
    const pending = spill.append(batch(2));
    await spill.close();
    expect(await pending).toBe(true);
    expect(await spill.append(batch(1))).toBe(false);
    const reopened = await open();
    expect(reopened.stats()).toMatchObject({ records: 1, rows: 2 });
  });
});
