/**
 * Money as integer micro-dollars (1 USD = 1,000,000 micros), so sums are exact and a cost can be
 * compared with a quota to the micro-dollar. Decimal strings are parsed digit by digit, never through
 * a float, and prices per million tokens are micros too (a token may cost a fraction of a micro: the
 * cost of a request is computed from the exact products and rounded once, see price-book.ts).
 */

export const MICROS_PER_USD = 1_000_000;

/** Largest amount accepted anywhere (a billion dollars): far inside Number.MAX_SAFE_INTEGER micros. */
export const MAX_MICROS = 1_000_000_000 * MICROS_PER_USD;

const DECIMAL = /^(\d{1,10})(?:\.(\d{1,6})\d*)?$/;
const EXPONENT = /^(\d+(?:\.\d+)?)[eE]([+-]?\d+)$/;

/**
 * Parses a non-negative USD amount ("3", "0.15", 1.25, "3e-06" scientific as in LiteLLM files) into
 * micros; digits past the sixth decimal are cut, never rounded up. Null for anything else.
 */
export function usdToMicros(value: string | number): number | null {
  let text = typeof value === "number" ? numberToPlain(value) : value.trim();
  if (text === null) return null;
  const exp = EXPONENT.exec(text);
  if (exp !== null) {
    const shifted = shiftDecimalBounded(exp[1] ?? "", Number(exp[2]));
    if (shifted === null) return null;
    text = shifted;
  }
  const m = DECIMAL.exec(text);
  if (m === null) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(6, "0"));
  const micros = whole * MICROS_PER_USD + frac;
  return micros <= MAX_MICROS ? micros : null;
}

/** A finite non-negative number written without exponent loss (null otherwise). */
function numberToPlain(n: number): string | null {
  if (!Number.isFinite(n) || n < 0) return null;
  return String(n);
}

/** Integer digits an amount may have (DECIMAL): a point further right is out of range anyway. */
const MAX_INTEGER_DIGITS = 10;
/** Decimals kept (micros): a point further left than this leaves only cut digits, i.e. zero. */
const KEPT_DECIMALS = 6;

/**
 * `shiftDecimal` without ever building a string longer than the digits plus a few zeros: an exponent
 * like 1e-300000000 (a JSON string a price file may hold) would otherwise allocate hundreds of
 * megabytes of zeros, and 1e999999999 throw `Invalid string length`. Null when out of range.
 */
function shiftDecimalBounded(mantissa: string, exponent: number): string | null {
  if (!Number.isSafeInteger(exponent)) return null;
  const [intPart = ""] = mantissa.split(".");
  const point = intPart.length + exponent;
  if (point > MAX_INTEGER_DIGITS + mantissa.length) return null;
  if (point < -KEPT_DECIMALS) return "0";
  return shiftDecimal(mantissa, exponent);
}

/** "1.5", exponent 2 → "150"; "3", exponent -6 → "0.000003" (exact, on the digits). */
function shiftDecimal(mantissa: string, exponent: number): string {
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Micros as a USD decimal string with six decimals ("1.250000"), exact. */
export function microsToUsdString(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const frac = abs - whole * MICROS_PER_USD;
  return `${sign}${whole}.${String(frac).padStart(6, "0")}`;
}

/** Micros as a JSON number of USD (6 decimals at most; fine for display and `costUsd` fields). */
export function microsToUsd(micros: number): number {
  return Number(microsToUsdString(micros));
}
