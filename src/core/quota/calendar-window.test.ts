import { describe, expect, it } from "vitest";
import { createQuotaCalendar, isValidTimeZone, quotaWindowsAt } from "./calendar-window";

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe("calendar quota windows", () => {
  it("aligns day and month windows on UTC midnights by default", () => {
    const w = quotaWindowsAt(at("2026-12-07T12:34:56.789Z"), "UTC");
    expect(w.day).toEqual({
      kind: "day",
      id: "2026-12-07",
      startMs: at("2026-12-07T00:00:00Z"),
      resetMs: at("2026-12-08T00:00:00Z"),
    });
    expect(w.month).toEqual({
      kind: "month",
      id: "2026-12",
      startMs: at("2026-12-01T00:00:00Z"),
      resetMs: at("2027-01-01T00:00:00Z"),
    });
  });

  it("is exact to the millisecond at the boundary", () => {
    expect(quotaWindowsAt(at("2026-12-07T23:59:59.999Z"), "UTC").day.id).toBe("2026-12-07");
    expect(quotaWindowsAt(at("2026-12-08T00:00:00.000Z"), "UTC").day.id).toBe("2026-12-08");
    expect(quotaWindowsAt(at("2026-12-07T15:59:59.999Z"), "Asia/Shanghai").day.id).toBe("2026-12-07");
    expect(quotaWindowsAt(at("2026-12-07T16:00:00.000Z"), "Asia/Shanghai").day.id).toBe("2026-12-08");
  });

  it("follows the zone's offset, including half-hour zones and the date line", () => {
    const sh = quotaWindowsAt(at("2026-12-31T20:00:00Z"), "Asia/Shanghai");
    expect(sh.day.id).toBe("2027-01-01");
    expect(iso(sh.month.startMs)).toBe("2026-12-31T16:00:00.000Z");
    expect(iso(sh.month.resetMs)).toBe("2027-01-31T16:00:00.000Z");
    const kolkata = quotaWindowsAt(at("2026-12-07T12:00:00Z"), "Asia/Kolkata");
    expect(iso(kolkata.day.startMs)).toBe("2026-12-06T18:30:00.000Z");
  });

  it("gives 23- and 25-hour days across daylight-saving changes", () => {
    const spring = quotaWindowsAt(at("2026-03-08T12:00:00Z"), "America/New_York").day;
    expect(spring.resetMs - spring.startMs).toBe(23 * 3_600_000);
    const fall = quotaWindowsAt(at("2026-11-01T12:00:00Z"), "America/New_York").day;
    expect(fall.resetMs - fall.startMs).toBe(25 * 3_600_000);
    // Santiago skips local midnight: the day starts at 01:00 -03.
    const skipped = quotaWindowsAt(at("2026-09-06T12:00:00Z"), "America/Santiago").day;
    expect(iso(skipped.startMs)).toBe("2026-09-06T04:00:00.000Z");
    expect(iso(skipped.resetMs)).toBe("2026-09-07T03:00:00.000Z");
  });

  it("rolls the month over on February and leap years", () => {
    expect(iso(quotaWindowsAt(at("2028-02-15T00:00:00Z"), "UTC").month.resetMs)).toBe(
      "2028-03-01T00:00:00.000Z",
    );
    expect(quotaWindowsAt(at("2028-02-29T10:00:00Z"), "UTC").day.id).toBe("2028-02-29");
  });

  it("caches windows until the day resets", () => {
    const cal = createQuotaCalendar("Europe/Paris");
    const a = cal.windowsAt(at("2026-12-07T10:00:00Z"));
    expect(cal.windowsAt(at("2026-12-07T22:59:59.999Z"))).toBe(a);
    expect(cal.windowsAt(at("2026-12-07T23:00:00Z")).day.id).toBe("2026-12-08");
    expect(isValidTimeZone("Nowhere/Land")).toBe(false);
    expect(() => createQuotaCalendar("Nowhere/Land")).toThrow(RangeError);
  });
});
