import { describe, expect, test } from "vitest";

import { addNode } from "../graph/edit";
import { catalogOperations, hubs } from "../testing/fixtures";
import { buildCatalog, compatibleEntries, filterCatalog, flattenCatalog, toCatalogEntry } from "./catalog";

const data = [
  { hub: hubs[0], group: hubs[0].groups[0], operations: catalogOperations.filter((op) => op.kind === "python") },
  { hub: hubs[0], group: hubs[0].groups[1], operations: catalogOperations.filter((op) => op.kind === "bash_jinja2") },
];

describe("the catalog", () => {
  test("a node made from an operation has only a workflow node's fields", () => {
    const entry = toCatalogEntry(catalogOperations[1], "default/python");
    const [node] = addNode([], entry.doc, { x: 10, y: 20 }, () => "6a1f00000000000000000099");
    expect(Object.keys(node).sort()).toEqual(
      ["_id", "description", "inputs", "kind", "logs", "original_node_id", "outputs", "parameters", "title", "x", "y"].sort(),
    );
    expect(node.original_node_id).toBe(catalogOperations[1].id);
  });

  test("groups by hub group, sorted by title, and filters by every word", () => {
    const catalog = buildCatalog(data);
    expect(catalog.map((section) => section.groups.map((group) => [group.title, group.entries.map((e) => e.title)]))).toEqual([
      [
        ["Python", ["Plot histogram", "Read CSV"]],
        ["Bash", ["Echo"]],
      ],
    ]);
    expect(flattenCatalog(filterCatalog(catalog, "read TABLE")).map((e) => e.title)).toEqual(["Read CSV"]);
    expect(filterCatalog(catalog, "bash_jinja2")[0].groups.map((group) => group.title)).toEqual(["Bash"]);
    expect(filterCatalog(catalog, "nothing")).toEqual([]);
  });

  test("a dangling wire is offered only operations with a port that fits", () => {
    const entries = flattenCatalog(buildCatalog(data));
    expect(compatibleEntries(entries, { from: "output", fileType: "csv" }).map(({ entry, port }) => [entry.title, port])).toEqual([
      ["Plot histogram", "table"],
    ]);
    expect(compatibleEntries(entries, { from: "input", fileTypes: ["txt", "csv"] }).map(({ entry, port }) => [entry.title, port])).toEqual([
      ["Read CSV", "table"],
      ["Echo", "out"],
    ]);
  });
});
