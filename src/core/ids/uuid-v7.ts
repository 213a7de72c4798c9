/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Request ids are v7 so
 * a request log can be found by its id through the (created_at, id) primary key: the id says when
 * the request was created, which bounds the partitions and the index range to look in.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A v7 UUID for `ms` from 10 random bytes (the caller's randomness; core does no I/O). */
export function formatUuidV7(ms: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError("formatUuidV7 needs 10 random bytes");
  const t = Math.max(0, Math.floor(ms));
  const high = Math.floor(t / 0x1000000); // top 24 bits of the 48-bit time
  const low = t % 0x1000000;
  const h = HEX;
  // Concatenation, not an array of 16 hex pairs: this runs once per proxied request.
  return (
    h[(high >>> 16) & 0xff]! +
    h[(high >>> 8) & 0xff]! +
    h[high & 0xff]! +
    h[(low >>> 16) & 0xff]! +
    "-" +
    h[(low >>> 8) & 0xff]! +
    h[low & 0xff]! +
    "-" +
    h[0x70 | (random[0]! & 0x0f)]! +
    h[random[1]!]! +
    "-" +
    h[0x80 | (random[2]! & 0x3f)]! +
    h[random[3]!]! +
    "-" +
    h[random[4]!]! +
    h[random[5]!]! +
    h[random[6]!]! +
    h[random[7]!]! +
    h[random[8]!]! +
    h[random[9]!]!
  );
}

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The Unix milliseconds inside a v7 UUID, or null for anything else (v4 ids, other text). */
export function uuidV7Time(id: string): number | null {
  const m = V7.exec(id);
  if (m === null) return null;
  return parseInt(m[1]! + m[2]!, 16);
}
