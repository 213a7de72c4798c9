import { readWeight } from "./candidate-utils";
import type { Candidate, PickContext, Strategy, StrategyFactory } from "./types";
import { pickWeightedRandom } from "./weighted-random";

/**
 * Affinity by weighted rendezvous (highest-random-weight) hashing on `context.affinityKey`. Every
 * candidate gets score = w / −ln(u) with u = hash(key, id) mapped into (0, 1); the highest score
 * wins. This gives each candidate a share of keys proportional to its weight, and because a key's
 * scores do not depend on the other candidates, removing one only moves the keys that were on it and
 * adding one only takes keys for itself — no modulo over the candidate count, no mass remapping.
 *
 * Hash: FNV-1a over UTF-16 code units, finished with murmur3's fmix32 avalanche; the key hash and the
 * id hash are combined by xor and mixed again. Fast and non-cryptographic: affinity, not secrecy.
 *
 * Missing or empty affinity key: falls back to weighted random (via `context.random`) — with nothing
 * to stick to, spreading by weight is the useful behaviour; piling every such request on one
 * provider would not be.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_POW_32 = 4294967296;

/** Returns murmur3's 32-bit finaliser of `value` (full avalanche). */
function mixHash(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Returns the mixed 32-bit FNV-1a hash of `text`. */
export function hashString(text: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return mixHash(h);
}

/** Returns the rendezvous score of a candidate for a key hash (higher wins). */
function scoreCandidate(keyHash: number, candidate: Candidate): number {
  const h = mixHash(keyHash ^ hashString(candidate.id));
  // (h + 0.5) / 2³² is strictly inside (0, 1), so the log is finite and negative.
  const u = (h + 0.5) / TWO_POW_32;
  return readWeight(candidate) / -Math.log(u);
}

/** Picks the candidate with the highest weighted rendezvous score for `affinityKey`. */
export function pickByAffinity(candidates: readonly Candidate[], affinityKey: string): Candidate | undefined {
  const keyHash = hashString(affinityKey);
  let best: Candidate | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const candidate of candidates) {
    const score = scoreCandidate(keyHash, candidate);
    // Ties (e.g. all weights unusable, scores 0) break on id so the choice stays stable.
    if (best === undefined || score > bestScore || (score === bestScore && candidate.id < best.id)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Creates an ip-hash (weighted rendezvous) strategy; it keeps no state. */
export const createIpHash: StrategyFactory = (): Strategy => ({
  name: "ip_hash",
  pick(candidates: readonly Candidate[], context: PickContext): Candidate | undefined {
    const key = context.affinityKey;
    if (key === undefined || key === "") return pickWeightedRandom(candidates, context.random);
    return pickByAffinity(candidates, key);
  },
});
