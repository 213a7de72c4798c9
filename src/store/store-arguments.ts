/**
 * Argument checks shared by both store implementations, so a bad call fails the same way whichever
 * backend is configured (instead of working in memory and failing only in production on Redis).
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../core/errors/catalogue";

/** Throws unless `value` is a positive integer number of milliseconds. */
export function assertPositiveMs(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new AppError("INTERNAL_ERROR", `${name} must be a positive integer of ms (got ${String(value)}).`);
  }
}

/** Throws unless `value` is a positive integer count. */
export function assertPositiveCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new AppError("INTERNAL_ERROR", `${name} must be a positive integer (got ${String(value)}).`);
  }
}

/** Throws unless `value` is a safe integer (INCRBY semantics). */
export function assertSafeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new AppError("INTERNAL_ERROR", `${name} must be an integer (got ${String(value)}).`);
  }
}

/**
 * Unguessable id for lock tokens and slot ids (a guessable token would let others release a lock).
 * randomUUID draws 122 bits from the CSPRNG through Node's pre-filled entropy cache; randomBytes(16)
 * made one synchronous CSPRNG call per token, a measurable cost per rate-limited request.
 */
export function generateToken(): string {
  return randomUUID();
}

/** The error every operation on a closed store rejects with. */
export function createClosedError(): AppError {
  return new AppError("STORE_UNAVAILABLE", "The state store is closed.");
}
