import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * Authenticated encryption (AES-256-GCM) for provider credentials at rest. A sealed value names the
 * key that sealed it, so rows written before a SECRET_KEY rotation still open while the previous key
 * is listed; the row id is bound as associated data, so a ciphertext copied onto another row fails.
 */

export interface SecretBoxKey {
  /** Short, non-secret identifier written into every sealed value (see `keyIdOf`). */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export interface SecretBoxOptions {
  readonly keys: readonly SecretBoxKey[];
  /** The key new values are sealed with; must be one of `keys`. */
  readonly activeKeyId: string;
}

export interface SecretBox {
  /** Encrypts `plaintext`, binding `aad` (the row id); returns `v1.<keyId>.<iv>.<tag>.<ciphertext>`. */
  seal(plaintext: string, aad: string): string;
  /** Decrypts a sealed value; throws SecretBoxError when it is malformed, unknown-keyed or tampered. */
  open(sealed: string, aad: string): string;
  readonly activeKeyId: string;
}

export type SecretBoxFailure = "malformed" | "unknown_key" | "authentication_failed" | "invalid_key";

/** Raised by the secret box; its message never contains plaintext or key material. */
export class SecretBoxError extends Error {
  constructor(
    readonly reason: SecretBoxFailure,
    message: string,
  ) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
// Fixed HKDF salt: domain separation only; the secret itself carries the entropy.
const HKDF_SALT = "roundabout/hkdf/v1";

/** Builds a secret box over a key ring; throws SecretBoxError when the ring is unusable. */
export function createSecretBox(options: SecretBoxOptions): SecretBox {
  const ring = new Map<string, Buffer>();
  for (const { id, key } of options.keys) {
    if (!KEY_ID_PATTERN.test(id)) {
      throw new SecretBoxError("invalid_key", "Secret box key ids must be 1-64 characters of [A-Za-z0-9_-].");
    }
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError("invalid_key", `Secret box key "${id}" must be ${KEY_BYTES} bytes.`);
    }
    // Copy so a caller zeroing or reusing its buffer cannot change the ring.
    ring.set(id, Buffer.from(key));
  }
  const activeKey = ring.get(options.activeKeyId);
  if (!activeKey) {
    throw new SecretBoxError(
      "invalid_key",
      `The active key "${options.activeKeyId}" is not in the key ring.`,
    );
  }
  const activeKeyId = options.activeKeyId;

  return {
    activeKeyId,
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, activeKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, activeKeyId, b64u(iv), b64u(tag), b64u(ciphertext)].join(".");
    },
    open(sealed, aad) {
      const parts = sealed.split(".");
      if (parts.length !== 5) throw malformed();
      const [version, keyId, ivPart, tagPart, ctPart] = parts as [string, string, string, string, string];
      if (version !== VERSION) throw malformed();
      if (![ivPart, tagPart, ctPart].every((p) => B64URL_PATTERN.test(p))) throw malformed();
      const iv = Buffer.from(ivPart, "base64url");
      const tag = Buffer.from(tagPart, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw malformed();
      const key = ring.get(keyId);
      if (!key) {
        // The key id is a short hash, not key material: naming it tells the operator which key is missing.
        throw new SecretBoxError(
          "unknown_key",
          `The value was sealed with key "${keyId.slice(0, 64)}", which is not configured (set SECRET_KEY_PREVIOUS?).`,
        );
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, "utf8"));
        decipher.setAuthTag(tag);
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ctPart, "base64url")),
          decipher.final(),
        ]);
        return plaintext.toString("utf8");
      } catch {
        // Node's own message is generic too, but never pass it on: keep the contract explicit.
        throw new SecretBoxError(
          "authentication_failed",
          "The sealed value failed authentication (wrong key, wrong row, or tampered).",
        );
      }
    },
  };
}

/** Derives a 32-byte key from a secret (HKDF-SHA256); `purpose` separates keys used for different jobs. */
export function deriveKey(secret: string, purpose = "secret-box"): Buffer {
  if (secret.length === 0)
    throw new SecretBoxError("invalid_key", "Cannot derive a key from an empty secret.");
  return Buffer.from(
    hkdfSync("sha256", Buffer.from(secret, "utf8"), HKDF_SALT, `roundabout/${purpose}`, KEY_BYTES),
  );
}

/** A short, stable, non-reversible identifier of a key (first 12 hex chars of a domain-separated SHA-256). */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("roundabout/key-id\0").update(key).digest("hex").slice(0, 12);
}

function b64u(buffer: Buffer): string {
  return buffer.toString("base64url");
}

function malformed(): SecretBoxError {
  return new SecretBoxError(
    "malformed",
    "The sealed value is not in the v1.<key>.<iv>.<tag>.<ciphertext> format.",
  );
}
