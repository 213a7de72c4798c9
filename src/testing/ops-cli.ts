import { runOpsCli } from "@/ops/cli";

/** What one operator command printed and returned. */
export interface OpsRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/**
 * Runs one operator command (`npm run backup|restore|…|migrate-db`) in-process as the CLI would, with
 * `env` as its whole environment (plus NODE_ENV=test) and `stdin` as piped standard input.
 */
export async function runOpsCommand(
  argv: string[],
  env: Record<string, string>,
  stdin: string | null = null,
): Promise<OpsRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOpsCli(
    argv,
    { NODE_ENV: "test", ...env },
    {
      print: (line) => out.push(line),
      error: (line) => err.push(line),
      readStdin: async () => stdin,
      appVersion: "test",
    },
  );
  return { code, out, err };
}
