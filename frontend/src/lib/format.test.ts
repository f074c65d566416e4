import { describe, expect, test } from "vitest";

import { formatAgo } from "./format";

const NOW = Date.parse("2026-11-25T12:00:00Z");

describe("formatAgo", () => {
  test.each([
    ["2026-11-25T12:00:00Z", "just now"],
    ["2026-11-25T12:00:05Z", "just now"],
    ["2026-11-25T11:59:57Z", "3 s ago"],
    ["2026-11-25T11:59:00.500Z", "59 s ago"],
    ["2026-11-25T11:59:00Z", "1 min ago"],
    ["2026-11-25T11:18:00Z", "42 min ago"],
    ["2026-11-25T10:00:00Z", "2 h ago"],
    ["2026-11-23T13:00:00Z", "47 h ago"],
    ["2026-11-22T12:00:00Z", "3 d ago"],
  ])("%s is %s", (value, expected) => {
    expect(formatAgo(value, NOW)).toBe(expected);
  });

  test.each([[null], [undefined], [""], ["not a date"]])("shows %j as a dash", (value) => {
    expect(formatAgo(value, NOW)).toBe("–");
  });
});
