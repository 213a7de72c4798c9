import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveMasterKeys, SECRET_KEY_FILE } from "./master-key";
import { createSecretBox, deriveKey, keyIdOf } from "./secret-box";

interface LogCall {
  obj: object;
  msg: string;
}

function recordingLogger() {
  const warnings: LogCall[] = [];
  const logger = { warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };
  return { logger, warnings };
}

const SECRET_A = "secret-a-secret-a-secret-a-secret-a-0001";
const SECRET_B = "secret-b-secret-b-secret-b-secret-b-0002";

describe("resolveMasterKeys", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "rb-master-key-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses SECRET_KEY when set and writes no file", () => {
    const { logger, warnings } = recordingLogger();
    const keys = resolveMasterKeys({ secretKey: SECRET_A, dataDir: dir, embedded: true, logger });
    expect(keys.source).toBe("env");
    expect(keys.keys).toHaveLength(1);
    expect(keys.activeKeyId).toBe(keyIdOf(deriveKey(SECRET_A)));
    expect(keys.keys[0]?.key.equals(deriveKey(SECRET_A))).toBe(true);
    expect(warnings).toHaveLength(0);
    expect(() => statSync(path.join(dir, SECRET_KEY_FILE))).toThrow();
  });

  it("derives the auth secret separately from the encryption key", () => {
    const { logger } = recordingLogger();
    const keys = resolveMasterKeys({ secretKey: SECRET_A, dataDir: dir, embedded: false, logger });
    expect(keys.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(keys.authSecret).not.toBe(SECRET_A);
    expect(keys.authSecret).not.toBe(keys.keys[0]?.key.toString("base64url"));
  });

  it("lists SECRET_KEY_PREVIOUS after the active key so old rows still open", () => {
    const { logger } = recordingLogger();
    const before = resolveMasterKeys({ secretKey: SECRET_A, dataDir: dir, embedded: false, logger });
    const sealed = createSecretBox(before).seal("credential", "row-1");
    const after = resolveMasterKeys({
      secretKey: SECRET_B,
      previousSecretKey: SECRET_A,
      dataDir: dir,
      embedded: false,
      logger,
    });
    expect(after.keys.map((k) => k.id)).toEqual([keyIdOf(deriveKey(SECRET_B)), before.activeKeyId]);
    expect(after.activeKeyId).not.toBe(before.activeKeyId);
    expect(createSecretBox(after).open(sealed, "row-1")).toBe("credential");
  });

  it("refuses to run without SECRET_KEY on an external database", () => {
    const { logger } = recordingLogger();
    expect(() => resolveMasterKeys({ dataDir: dir, embedded: false, logger })).toThrow(
      /SECRET_KEY is required/,
    );
    expect(() => statSync(path.join(dir, SECRET_KEY_FILE))).toThrow();
  });

  it("generates a 0600 key file in a missing folder once, warns once, and reuses it", () => {
    const dataDir = path.join(dir, "nested", "data");
    const first = recordingLogger();
    const generated = resolveMasterKeys({ dataDir, embedded: true, logger: first.logger });
    expect(generated.source).toBe("generated");
    const file = path.join(dataDir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]?.msg).toMatch(/back/i);
    expect(first.warnings[0]?.msg).toMatch(/SECRET_KEY/);
    expect(JSON.stringify(first.warnings)).not.toContain(secret);

    const second = recordingLogger();
    const reused = resolveMasterKeys({ dataDir, embedded: true, logger: second.logger });
    expect(reused.source).toBe("file");
    expect(reused.activeKeyId).toBe(generated.activeKeyId);
    expect(reused.authSecret).toBe(generated.authSecret);
    expect(second.warnings).toHaveLength(0);
    // The file's content works as SECRET_KEY: same key, so moving it to the environment is lossless.
    const viaEnv = resolveMasterKeys({
      secretKey: secret,
      dataDir: dir,
      embedded: false,
      logger: second.logger,
    });
    expect(viaEnv.activeKeyId).toBe(generated.activeKeyId);
  });

  it("keeps opening rows sealed with the key file after SECRET_KEY is set", () => {
    const { logger } = recordingLogger();
    const fromFile = resolveMasterKeys({ dataDir: dir, embedded: true, logger });
    const sealed = createSecretBox(fromFile).seal("credential", "row-1");
    const fromEnv = resolveMasterKeys({ secretKey: SECRET_A, dataDir: dir, embedded: true, logger });
    expect(fromEnv.activeKeyId).toBe(keyIdOf(deriveKey(SECRET_A)));
    expect(fromEnv.keys.map((k) => k.id)).toContain(fromFile.activeKeyId);
    expect(createSecretBox(fromEnv).open(sealed, "row-1")).toBe("credential");
  });

  it("refuses a damaged key file instead of replacing it", () => {
    const { logger } = recordingLogger();
    writeFileSync(path.join(dir, SECRET_KEY_FILE), "too-short\n");
    expect(() => resolveMasterKeys({ dataDir: dir, embedded: true, logger })).toThrow(/damaged/);
    expect(readFileSync(path.join(dir, SECRET_KEY_FILE), "utf8")).toBe("too-short\n");
  });
});
