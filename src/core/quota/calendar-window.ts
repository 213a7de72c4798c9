/**
 * Calendar-aligned quota windows (day and month) in an IANA time zone, computed with Intl (no
 * dependency, no I/O). A window is named by its local date ("2026-12-07", "2026-12") and runs from the
 * local midnight that opens it to the one that opens the next (the reset instant). Days of 23 or 25
 * hours around daylight-saving changes come out right because midnights are found, not added.
 */

export type WindowKind = "day" | "month";

export interface CalendarWindow {
  readonly kind: WindowKind;
  /** Local date of the window: "YYYY-MM-DD" (day) or "YYYY-MM" (month). */
  readonly id: string;
  /** First instant of the window (epoch ms). */
  readonly startMs: number;
  /** First instant of the next window, when usage resets (epoch ms). */
  readonly resetMs: number;
}

export interface QuotaWindows {
  readonly day: CalendarWindow;
  readonly month: CalendarWindow;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name Intl knows ("UTC", "Asia/Shanghai"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock fields at `ms` as if they were UTC (epoch ms), and the local date. */
function localFields(ms: number, timeZone: string): { wallMs: number; date: LocalDate } {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const date = { year: get("year"), month: get("month"), day: get("day") };
  const wallMs = Date.UTC(date.year, date.month - 1, date.day, get("hour"), get("minute"), get("second"));
  return { wallMs, date };
}

/** The zone's offset from UTC at `ms` (local minus UTC), whole seconds. */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return localFields(whole, timeZone).wallMs - whole;
}

/**
 * The first instant of local date y-m-d: local midnight, or — where a DST change skips midnight —
 * the first local time that exists that day.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(t, timeZone);
  if (second !== t) t = Math.min(t, second);
  // If the candidate falls on the previous local day (midnight skipped), step to the day's first hour.
  const { date } = localFields(t, timeZone);
  if (date.day !== new Date(wall).getUTCDate()) {
    t = Math.max(t, second);
    while (localFields(t, timeZone).date.day !== new Date(wall).getUTCDate()) t += 15 * 60_000;
  }
  return t;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The day and month windows that contain `nowMs` in `timeZone`. */
export function quotaWindowsAt(nowMs: number, timeZone: string): QuotaWindows {
  const { date } = localFields(nowMs, timeZone);
  const { year, month, day } = date;
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const nextMonth = new Date(Date.UTC(year, month, 1));
  return {
    day: {
      kind: "day",
      id: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
      startMs: startOfLocalDay(year, month, day, timeZone),
      resetMs: startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
    },
    month: {
      kind: "month",
      id: `${pad(year, 4)}-${pad(month)}`,
      startMs: startOfLocalDay(year, month, 1, timeZone),
      resetMs: startOfLocalDay(nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 1, timeZone),
    },
  };
}

/** Windows for one time zone, recomputed only when the day rolls over (Intl is not free per request). */
export interface QuotaCalendar {
  readonly timeZone: string;
  windowsAt(nowMs: number): QuotaWindows;
}

/** Creates a calendar for `timeZone` (throws RangeError on an unknown zone). */
export function createQuotaCalendar(timeZone: string): QuotaCalendar {
  formatterFor(timeZone);
  let cached: QuotaWindows | null = null;
  return {
    timeZone,
    windowsAt(nowMs) {
      if (cached === null || nowMs < cached.day.startMs || nowMs >= cached.day.resetMs) {
        cached = quotaWindowsAt(nowMs, timeZone);
      }
      return cached;
    },
  };
}
