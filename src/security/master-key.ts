import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deriveKey, keyIdOf, type SecretBoxKey } from "./secret-box";

/**
 * Where the master secret comes from: SECRET_KEY (required with an external database, so every
 * instance shares it), or — embedded single-instance mode only — a key file generated in DATA_DIR.
 */

export interface ResolveMasterKeysOptions {
  /** SECRET_KEY. */
  secretKey?: string;
  /** SECRET_KEY_PREVIOUS: still opens values sealed before a rotation. */
  previousSecretKey?: string;
  dataDir: string;
  /** True when no DATABASE_URL is set (PGlite in DATA_DIR). */
  embedded: boolean;
  /** The process logger (pino fits); only `warn(object, message)` is used. */
  logger: { warn(obj: object, msg: string): void };
}

export interface MasterKeys {
  /** Key ring for `createSecretBox`: the active key first, then older ones. */
  readonly keys: SecretBoxKey[];
  readonly activeKeyId: string;
  /** Secret for better-auth (cookie signing), derived separately from the encryption key. */
  readonly authSecret: string;
  /** Where the active secret came from. */
  readonly source: "env" | "file" | "generated";
}

export const SECRET_KEY_FILE = "secret.key";
const MIN_SECRET_LENGTH = 32;

/** Resolves the key ring from SECRET_KEY / SECRET_KEY_PREVIOUS, or the embedded key file (created once). */
export function resolveMasterKeys(options: ResolveMasterKeysOptions): MasterKeys {
  const file = path.resolve(options.dataDir, SECRET_KEY_FILE);
  let active: string;
  let source: MasterKeys["source"];
  const extra: string[] = [];

  if (options.secretKey) {
    active = options.secretKey;
    source = "env";
    // A deployment that started without SECRET_KEY sealed its rows with the file key: keep opening them.
    if (options.embedded) {
      const fileSecret = readKeyFile(file);
      if (fileSecret !== null && fileSecret !== active) extra.push(fileSecret);
    }
  } else if (!options.embedded) {
    throw new Error(
      "SECRET_KEY is required when DATABASE_URL is set: every instance sharing the database must use the same key to open provider credentials.",
    );
  } else {
    const existing = readKeyFile(file);
    if (existing !== null) {
      active = existing;
      source = "file";
    } else {
      active = generateKeyFile(file);
      source = "generated";
      options.logger.warn(
        { file },
        "Generated a new encryption key in the data folder because SECRET_KEY is not set. Back this file up with the database (losing it makes stored provider credentials unreadable), or copy its content into SECRET_KEY.",
      );
    }
  }
  if (options.previousSecretKey && options.previousSecretKey !== active)
    extra.push(options.previousSecretKey);

  const activeKey = deriveKey(active);
  const activeKeyId = keyIdOf(activeKey);
  const keys: SecretBoxKey[] = [{ id: activeKeyId, key: activeKey }];
  for (const secret of extra) {
    const key = deriveKey(secret);
    const id = keyIdOf(key);
    if (!keys.some((k) => k.id === id)) keys.push({ id, key });
  }
  return {
    keys,
    activeKeyId,
    authSecret: deriveKey(active, "auth").toString("base64url"),
    source,
  };
}

function readKeyFile(file: string): string | null {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(
      `Cannot read the key file ${file}: ${(err as NodeJS.ErrnoException).code ?? "unknown error"}`,
    );
  }
  const secret = content.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    // Never regenerate over an existing file: that would orphan everything sealed with it.
    throw new Error(
      `The key file ${file} is damaged (shorter than ${MIN_SECRET_LENGTH} characters). Restore it from a backup.`,
    );
  }
  return secret;
}

function generateKeyFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  // 32 random bytes as base64url: 43 characters, valid as SECRET_KEY when copied over.
  const secret = randomBytes(32).toString("base64url");
  // "wx" fails if another process created the file meanwhile instead of overwriting its key.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      const raced = readKeyFile(file);
      if (raced !== null) return raced;
    }
    throw err;
  }
  // The mode given to open() is filtered by the umask; make 0600 explicit.
  chmodSync(file, 0o600);
  return secret;
}
