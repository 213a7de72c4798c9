import { parseArgs } from "node:util";
import path from "node:path";
import { EnvError, parseEnv, type Env } from "@/config/env";
import { isAppError } from "@/core/errors/catalogue";
import { runBackup } from "./backup";
import { runCreateAdmin } from "./create-admin";
import { runMigrateDb } from "./migrate-db";
import { OpsError, type OpsEnv, type Print } from "./ops-context";
import { runRestore } from "./restore";
import { runRotateSecret } from "./rotate-secret";

/** The operator commands (`npm run backup|restore|rotate-secret|create-admin`), one entry point. */

const USAGE = `usage:
  npm run backup [-- <folder>] [--force]         dump the database and the secret key into a new folder
  npm run restore -- <folder>                    restore a backup into an empty DATA_DIR / DATABASE_URL
  npm run rotate-secret [-- --force]             re-seal every credential under SECRET_KEY
  npm run create-admin -- <username> [--reset]   create an admin user (password on stdin, else generated)
  npm run migrate-db -- --to <postgres-url> [--force]
                                                 copy everything (keys, credentials, users, history) into PostgreSQL
--force: go on although the embedded database looks open (only when no server runs on DATA_DIR);
         migrate-db: also replace what the target database holds.`;

export interface CliIo {
  readonly print: Print;
  readonly error: Print;
  /** The password piped on standard input, or null when it is a terminal / empty. */
  readonly readStdin: () => Promise<string | null>;
  readonly appVersion: string;
  readonly now?: () => Date;
}

/** Runs one command; returns the exit code (errors an operator can act on are printed, not thrown). */
export async function runOpsCli(argv: string[], source: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      force: { type: "boolean", default: false },
      reset: { type: "boolean", default: false },
      to: { type: "string" },
    },
    allowPositionals: true,
  });
  let env: OpsEnv & Pick<Env, "ADMIN_USERNAME" | "ADMIN_PASSWORD">;
  try {
    env = parseEnv(source);
  } catch (err) {
    if (err instanceof EnvError) {
      io.error(err.message);
      return 1;
    }
    throw err;
  }
  try {
    switch (command) {
      case "backup": {
        const stamp = (io.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
        const out = path.resolve(positionals[0] ?? `roundabout-backup-${stamp}`);
        await runBackup({
          env,
          out,
          appVersion: io.appVersion,
          force: values.force,
          print: io.print,
          pgDump: source.PG_DUMP,
        });
        return 0;
      }
      case "restore": {
        if (!positionals[0]) throw new OpsError("Name the backup folder: npm run restore -- <folder>");
        const result = await runRestore({
          env,
          from: path.resolve(positionals[0]),
          print: io.print,
          pgRestore: source.PG_RESTORE,
        });
        return result.sealed.failures.length === 0 ? 0 : 2;
      }
      case "rotate-secret":
        await runRotateSecret({ env, force: values.force, print: io.print });
        return 0;
      case "create-admin": {
        // ADMIN_USERNAME/ADMIN_PASSWORD (set together, as the server reads them) name the user too.
        const username = positionals[0] ?? env.ADMIN_USERNAME;
        if (!username) throw new OpsError("Name the user: npm run create-admin -- <username>");
        const password = (username === env.ADMIN_USERNAME && env.ADMIN_PASSWORD) || (await io.readStdin());
        await runCreateAdmin({
          env,
          username,
          password: password || null,
          reset: values.reset,
          force: values.force,
          print: io.print,
        });
        return 0;
      }
      case "migrate-db": {
        if (!values.to) throw new OpsError("Name the target: npm run migrate-db -- --to postgres://…");
        await runMigrateDb({ env, to: values.to, force: values.force, print: io.print });
        return 0;
      }
      default:
        io.error(USAGE);
        return 64;
    }
  } catch (err) {
    if (err instanceof OpsError) {
      io.error(err.message);
      return 1;
    }
    // A validation error of the services (a too short password, say) carries a stable code.
    if (isAppError(err)) {
      const details = err.details === undefined ? "" : ` ${JSON.stringify(err.details)}`;
      io.error(`${err.code}: ${err.message}${details}`);
      return 1;
    }
    throw err;
  }
}
