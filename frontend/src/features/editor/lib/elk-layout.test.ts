import { describe, expect, test } from "vitest";

import { input, link, node, oid, output } from "../graph/testing";
import { elkLayout } from "./elk-layout";

describe("elkLayout", () => {
  test("places a chain left to right and parallel nodes apart, without overlaps", async () => {
    const nodes = [
      node(oid(1), { outputs: [output("out", "csv")], x: 500, y: 500 }),
      node(oid(2), { inputs: [input("in", ["csv"], [link(oid(1), "out")])], outputs: [output("out", "csv")], x: 0, y: 0 }),
      node(oid(3), { inputs: [input("in", ["csv"], [link(oid(1), "out")])], x: 0, y: 0 }),
    ];
    const sizes = new Map([[oid(2), { width: 300, height: 120 }]]);
    const placed = await elkLayout(nodes, (id) => sizes.get(id));
    const [a, b, c] = placed;
    expect(b.x).toBeGreaterThan(a.x);
    expect(c.x).toBeGreaterThan(a.x);
    // b and c are in the same layer, one above the other, at least b's height apart.
    expect(Math.abs(b.y - c.y)).toBeGreaterThanOrEqual(120);
    expect(placed.map((n) => n._id)).toEqual([oid(1), oid(2), oid(3)]);
    expect(placed.every((n) => Number.isInteger(n.x) && Number.isInteger(n.y))).toBe(true);
  });

  test("leaves room between unconnected parts of the graph too", async () => {
    const sizes = (id: string) => (id ? { width: 200, height: 80 } : undefined);
    const [a, b] = await elkLayout([node(oid(1)), node(oid(2))], sizes);
    expect(Math.abs(a.y - b.y) + Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(80 + 70);
  });

  test("an empty graph stays empty", async () => {
    expect(await elkLayout([])).toEqual([]);
  });
});
