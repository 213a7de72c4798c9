/**
 * One process per spill folder: two writers would number segments alike and replay each other's
 * records. A `lock` file holds the owner's pid; a lock whose process is gone (or is this process from
 * an earlier start, e.g. pid 1 in a container) is taken over.
 */
import { open, readFile, rm } from "node:fs/promises";
import path from "node:path";

export interface SpillLock {
  release(): Promise<void>;
}

/** The folder is held by another live process (or already by this one). */
export class SpillInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpillInUseError";
  }
}

const OPEN_DIRS = Symbol.for("roundabout.logSpill.openDirs");

/** The folders this process holds, process-wide (Next may load this module more than once). */
function openDirs(): Set<string> {
  const holder = globalThis as { [OPEN_DIRS]?: Set<string> };
  holder[OPEN_DIRS] ??= new Set();
  return holder[OPEN_DIRS];
}

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the folder's lock; throws when another live process (or this one, already) holds it. */
export async function acquireSpillLock(dir: string): Promise<SpillLock> {
  const resolved = path.resolve(dir);
  const held = openDirs();
  if (held.has(resolved)) {
    throw new SpillInUseError(`request-log spill folder ${dir} is already open in this process`);
  }
  const file = path.join(resolved, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(resolved);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(resolved);
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new SpillInUseError(`request-log spill folder ${dir} is in use by process ${owner}`);
    }
    await rm(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`request-log spill folder ${dir}: could not take its lock`);
}
