import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, deriveKey, keyIdOf, SecretBoxError, type SecretBoxKey } from "./secret-box";

function makeKey(secret: string): SecretBoxKey {
  const key = deriveKey(secret);
  return { id: keyIdOf(key), key };
}

const OLD = makeKey("old-secret-old-secret-old-secret-0001");
const NEW = makeKey("new-secret-new-secret-new-secret-0002");

function expectFailure(fn: () => unknown, reason: SecretBoxError["reason"]): SecretBoxError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretBoxError);
    expect((err as SecretBoxError).reason).toBe(reason);
    return err as SecretBoxError;
  }
  throw new Error("expected a SecretBoxError");
}

/** Replaces one base64url part of a sealed value with a copy whose first byte is flipped. */
function flipPart(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[index] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

describe("secret box", () => {
  const box = createSecretBox({ keys: [OLD], activeKeyId: OLD.id });

  it("round-trips text, including empty and non-ASCII strings", () => {
    for (const text of ["sk-upstream-credential-123", "", "clé secrète ✓ 🔑", "x".repeat(10_000)]) {
      const sealed = box.seal(text, "prov_1");
      expect(box.open(sealed, "prov_1")).toBe(text);
    }
  });

  it("writes a versioned value naming the key, with no plaintext in it", () => {
    const sealed = box.seal("sk-upstream-credential-123", "prov_1");
    const parts = sealed.split(".");
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe("v1");
    expect(parts[1]).toBe(OLD.id);
    expect(Buffer.from(parts[2] ?? "", "base64url")).toHaveLength(12);
    expect(Buffer.from(parts[3] ?? "", "base64url")).toHaveLength(16);
    expect(sealed).not.toContain("credential");
  });

  it("uses a fresh IV for every seal", () => {
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const parts = box.seal("same plaintext", "prov_1").split(".");
      ivs.add(parts[2] ?? "");
      ciphertexts.add(parts[4] ?? "");
    }
    expect(ivs.size).toBe(200);
    expect(ciphertexts.size).toBe(200);
  });

  it("detects a tampered ciphertext, tag or IV", () => {
    const sealed = box.seal("sk-upstream-credential-123", "prov_1");
    for (const index of [2, 3, 4]) {
      const err = expectFailure(() => box.open(flipPart(sealed, index), "prov_1"), "authentication_failed");
      expect(err.message).not.toContain("credential");
    }
  });

  it("refuses a value moved to another row (associated data)", () => {
    const sealed = box.seal("sk-upstream-credential-123", "prov_1");
    expectFailure(() => box.open(sealed, "prov_2"), "authentication_failed");
    expectFailure(() => box.open(sealed, ""), "authentication_failed");
  });

  it("refuses a value opened with a different key under the same id", () => {
    const sealed = box.seal("secret", "prov_1");
    const impostor = createSecretBox({ keys: [{ id: OLD.id, key: NEW.key }], activeKeyId: OLD.id });
    expectFailure(() => impostor.open(sealed, "prov_1"), "authentication_failed");
  });

  it("refuses a value sealed with a key that is not configured", () => {
    const sealed = box.seal("secret", "prov_1");
    const other = createSecretBox({ keys: [NEW], activeKeyId: NEW.id });
    const err = expectFailure(() => other.open(sealed, "prov_1"), "unknown_key");
    expect(err.message).toContain(OLD.id);
    expect(err.message).not.toContain(OLD.key.toString("base64url"));
    expect(err.message).not.toContain(OLD.key.toString("hex"));
  });

  it("opens old rows after rotation while sealing new ones with the new key", () => {
    const before = createSecretBox({ keys: [OLD], activeKeyId: OLD.id });
    const oldRow = before.seal("old credential", "prov_1");
    const after = createSecretBox({ keys: [NEW, OLD], activeKeyId: NEW.id });
    expect(after.activeKeyId).toBe(NEW.id);
    expect(after.open(oldRow, "prov_1")).toBe("old credential");
    const newRow = after.seal("new credential", "prov_1");
    expect(newRow.split(".")[1]).toBe(NEW.id);
    expect(after.open(newRow, "prov_1")).toBe("new credential");
    // Once the previous key is dropped, the old row no longer opens.
    const dropped = createSecretBox({ keys: [NEW], activeKeyId: NEW.id });
    expectFailure(() => dropped.open(oldRow, "prov_1"), "unknown_key");
  });

  it("rejects malformed values", () => {
    const sealed = box.seal("secret", "prov_1");
    for (const bad of [
      "",
      "plaintext",
      sealed.replace(/^v1\./, "v2."),
      sealed.split(".").slice(0, 4).join("."),
      `${sealed}.extra`,
      sealed.replace(/\.[^.]+\.([^.]+\.[^.]*)$/, ".AAAA.$1"),
      sealed.replace(/^(v1\.[^.]+\.)/, "$1!!"),
    ]) {
      expectFailure(() => box.open(bad, "prov_1"), "malformed");
    }
  });

  it("rejects an unusable key ring", () => {
    expectFailure(() => createSecretBox({ keys: [OLD], activeKeyId: NEW.id }), "invalid_key");
    expectFailure(
      () => createSecretBox({ keys: [{ id: "short", key: randomBytes(16) }], activeKeyId: "short" }),
      "invalid_key",
    );
    expectFailure(
      () => createSecretBox({ keys: [{ id: "a.b", key: randomBytes(32) }], activeKeyId: "a.b" }),
      "invalid_key",
    );
  });
});

describe("deriveKey / keyIdOf", () => {
  it("derives the same 32-byte key from the same secret and different keys otherwise", () => {
    const a = deriveKey("a-secret-that-is-long-enough-000000");
    expect(a).toHaveLength(32);
    expect(deriveKey("a-secret-that-is-long-enough-000000").equals(a)).toBe(true);
    expect(deriveKey("a-secret-that-is-long-enough-000001").equals(a)).toBe(false);
    expect(deriveKey("a-secret-that-is-long-enough-000000", "auth").equals(a)).toBe(false);
  });

  it("gives short stable ids that differ between keys", () => {
    expect(keyIdOf(OLD.key)).toMatch(/^[0-9a-f]{12}$/);
    expect(keyIdOf(OLD.key)).toBe(OLD.id);
    expect(keyIdOf(NEW.key)).not.toBe(OLD.id);
  });

  it("refuses an empty secret", () => {
    expectFailure(() => deriveKey(""), "invalid_key");
  });
});
