import { execFile } from "node:child_process";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "./free-port";

/**
 * A PostgreSQL cluster of a test's own (initdb in a temp folder, pg_ctl on a free loopback port),
 * which the test may stop and start again to play a database outage — the machine's PostgreSQL on
 * 5432 serves other suites and must never be stopped. Needs the server binaries
 * (/usr/lib/postgresql/<version>/bin); run as root, the cluster runs as the `postgres` user (initdb
 * refuses root). Durability is off (fsync=off): a stop is a clean shutdown, never a crash here.
 */

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown: open connections are cut), as an outage would. */
  stop(): Promise<void>;
  /** Starts it again (no-op while running) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  destroy(): Promise<void>;
}

const run = promisify(execFile);

/** The newest installed server's bin folder. */
async function serverBinDir(): Promise<string> {
  const root = "/usr/lib/postgresql";
  const versions = (await readdir(root).catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return path.join(root, newest, "bin");
}

/** Initialises and starts a private cluster. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await serverBinDir();
  const port = await findFreePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), "rb-pg-"));
  const asRoot = process.getuid?.() === 0;
  // initdb and pg_ctl refuse to run as root: run them as the cluster's owner.
  const exec = async (tool: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args], { timeout: 60_000 })
      : run(path.join(bin, tool), args, { timeout: 60_000 });
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, "data");
  let running = false;
  const start = async () => {
    if (running) return;
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await exec("pg_ctl", [
      "-D",
      data,
      "-o",
      options,
      "-l",
      path.join(dir, "server.log"),
      "-w",
      "-t",
      "60",
      "start",
    ]);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await exec("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    running = false;
  };

  try {
    await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    await start();
  } catch (err) {
    await stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
