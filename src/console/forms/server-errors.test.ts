import { describe, expect, it } from "vitest";
import type { ErrorOption } from "react-hook-form";
import { ApiError } from "../api-client";
import { placeServerError, type ServerErrorPlacement } from "./server-errors";

interface Values {
  name: string;
  slug: string;
  rows: { key: string }[];
}

/** Runs placeServerError and returns what it put on the fields. */
function place(error: unknown, placement: ServerErrorPlacement<Values>) {
  const calls: { field: string; message?: string; focus?: boolean }[] = [];
  const count = placeServerError<Values>(
    error,
    (field, option: ErrorOption, options) =>
      calls.push({ field, message: option.message, focus: options?.shouldFocus }),
    placement,
  );
  return { count, calls };
}

const invalid = new ApiError(400, "VALIDATION_FAILED", "The request failed validation.", {
  issues: [
    { path: "name", message: "too long" },
    { path: "groupId", message: "unknown group" },
    { path: "rows.K1", message: "bad row" },
    { path: "other", message: "not on the form" },
  ],
});

describe("placeServerError", () => {
  it("puts validation issues on named and mapped fields, focusing the first", () => {
    const { count, calls } = place(invalid, {
      serverFields: ["name"],
      mapServerPath: (path) => (path === "rows.K1" ? "rows.0.key" : undefined),
    });
    expect(count).toBe(2);
    expect(calls).toEqual([
      { field: "name", message: "too long", focus: true },
      { field: "rows.0.key", message: "bad row", focus: false },
    ]);
  });

  it("puts a field's error code under that field, with a given message or the server's", () => {
    const taken = new ApiError(409, "GROUP_SLUG_TAKEN", "A group with this slug already exists.");
    expect(place(taken, { codeFields: { GROUP_SLUG_TAKEN: { field: "slug" } } }).calls).toEqual([
      { field: "slug", message: "A group with this slug already exists.", focus: true },
    ]);
    expect(
      place(taken, { codeFields: { GROUP_SLUG_TAKEN: { field: "slug", message: "Taken." } } }).calls,
    ).toEqual([{ field: "slug", message: "Taken.", focus: true }]);
  });

  it("leaves other failures to the form-level error", () => {
    const conflict = new ApiError(409, "PROVIDER_NAME_TAKEN", "taken");
    expect(place(conflict, { codeFields: { GROUP_SLUG_TAKEN: { field: "slug" } } })).toEqual({
      count: 0,
      calls: [],
    });
    expect(place(invalid, {})).toEqual({ count: 0, calls: [] });
    expect(place(new Error("network"), { serverFields: ["name"] }).count).toBe(0);
    // An inherited property is not a code.
    expect(place(new ApiError(500, "toString", "x"), { serverFields: ["name"] }).count).toBe(0);
  });
});
