import { describe, expect, test } from "vitest";

import { delimiterOf, parseDelimited } from "./delimited";

describe("delimited text", () => {
  test("splits rows and fields", () => {
    expect(parseDelimited("a,b\n1,2\n", ",").rows).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  test("quoted fields keep delimiters, line breaks and doubled quotes", () => {
    const text = 'name,comment\r\n"Smith, J.","said ""hi""\nthen left"\r\nplain,""\r\n';
    expect(parseDelimited(text, ",").rows).toEqual([
      ["name", "comment"],
      ["Smith, J.", 'said "hi"\nthen left'],
      ["plain", ""],
    ]);
  });

  test("tabs delimit TSV, where commas are data", () => {
    expect(parseDelimited("x\ty\n1,5\t2", "\t").rows).toEqual([
      ["x", "y"],
      ["1,5", "2"],
    ]);
  });

  test("empty fields, a missing final newline and a byte order mark", () => {
    expect(parseDelimited("\ufeffa,,c\n,,", ",").rows).toEqual([
      ["a", "", "c"],
      ["", "", ""],
    ]);
  });

  test("stops after the most rows asked for and says so", () => {
    const text = Array.from({ length: 10 }, (_, index) => `${index}`).join("\n");
    expect(parseDelimited(text, ",", 3)).toEqual({ rows: [["0"], ["1"], ["2"]], truncated: true });
    expect(parseDelimited("0\n1\n2\n", ",", 3)).toEqual({ rows: [["0"], ["1"], ["2"]], truncated: false });
  });

  test("knows the delimiter of csv and tsv only", () => {
    expect(delimiterOf("csv")).toBe(",");
    expect(delimiterOf("tsv")).toBe("\t");
    expect(delimiterOf("json")).toBeNull();
    expect(delimiterOf(null)).toBeNull();
  });
});
