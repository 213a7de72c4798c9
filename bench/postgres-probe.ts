import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";

/**
 * A throwaway database for the gateway+postgres side: created on the given server before the run,
 * dropped after it. CPU is read from /proc for the server backends connected to that database (the
 * gateway's pool), so other databases on a shared server are not billed; the WAL writer and
 * checkpointer, shared by every database, are not counted.
 */
export interface PostgresProbe {
  /** URL of the throwaway database. */
  readonly url: string;
  /** user+system CPU of the database's backends so far, in µs (NaN when /proc is not readable). */
  cpuUs(): Promise<number>;
  /** Drops the database (closing its connections) and disconnects. */
  close(): Promise<void>;
}

/** Linux clock ticks per second (`getconf CLK_TCK`; 100 on every mainstream kernel config). */
const CLOCK_TICKS_PER_S = 100;

function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name (which may contain spaces); utime and stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
}

/** Creates `rb_bench_<random>` on the server of `adminUrl`. */
export async function openPostgresProbe(adminUrl: string): Promise<PostgresProbe> {
  const name = `rb_bench_${randomBytes(4).toString("hex")}`;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  await sql.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async cpuUs() {
      const rows = await sql<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
      let total = 0;
      for (const { pid } of rows) {
        try {
          total += procCpuUs(pid);
        } catch {
          return Number.NaN;
        }
      }
      return total;
    },
    async close() {
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
