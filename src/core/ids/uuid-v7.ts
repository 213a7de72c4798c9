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
  const b = [
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
    0x70 | (random[0]! & 0x0f),
    random[1]!,
    0x80 | (random[2]! & 0x3f),
    random[3]!,
    random[4]!,
    random[5]!,
    random[6]!,
    random[7]!,
    random[8]!,
    random[9]!,
  ].map((x) => HEX[x]!);
  return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b.slice(10).join("")}`;
}

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The Unix milliseconds inside a v7 UUID, or null for anything else (v4 ids, other text). */
export function uuidV7Time(id: string): number | null {
  const m = V7.exec(id);
  if (m === null) return null;
  return parseInt(m[1]! + m[2]!, 16);
}
