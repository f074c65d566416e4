import { describe, expect, it } from "vitest";

import type { ClipboardPayload, OperationDoc } from "./edit";
import {
  CLIPBOARD_FORMAT,
  addNode,
  autoLayout,
  connect,
  copyNodes,
  disconnect,
  newObjectId,
  parseClipboard,
  pasteNodes,
  removeNodes,
  setInlineValue,
  setParameter,
  setParameterOnNodes,
  sharedParameters,
} from "./edit";
import { counterIds, input, link, node, oid, output, parameter, seeded } from "./testing";
import type { NodeDoc } from "./types";

const A = oid(0xa);
const B = oid(0xb);
const C = oid(0xc);
const MISSING = oid(0x99);

// Read → Split → Join (Join also takes Read directly).
function graph(): NodeDoc[] {
  return [
    node(A, { title: "Read", x: 0, y: 0, outputs: [output("out", "csv")] }),
    node(B, {
      title: "Split",
      x: 300,
      y: 0,
      inputs: [input("data", ["csv"], [link(A, "out")]), input("rate", ["float"], [{ value: 0.5 }])],
      outputs: [output("a", "csv")],
      parameters: [parameter("seed", "int", 1), parameter("tint", "color", "#ff0000"), parameter("tags", "list_str", [])],
    }),
    node(C, {
      title: "Join",
      x: 600,
      y: 0,
      inputs: [input("parts", ["csv"], [link(B, "a"), { resource_id: oid(0xf) }, link(A, "out")], 1, -1)],
    }),
  ];
}

describe("newObjectId", () => {
  it("makes 24 lowercase hex digits, deterministic for a given random source", () => {
    expect(newObjectId()).toMatch(/^[0-9a-f]{24}$/);
    expect(newObjectId(seeded(7))).toBe(newObjectId(seeded(7)));
    expect(newObjectId(() => 0)).toBe("0".repeat(24));
    expect(newObjectId(() => 0.999)).toBe("f".repeat(24));
  });
});

describe("addNode", () => {
  const operation: OperationDoc = {
    _id: oid(0x500),
    kind: "basic-python-operation",
    title: "Split",
    description: "Splits a table",
    inputs: [input("data", ["csv"], [link(A, "out")]), input("rate", ["float"], [{ value: 0.5 }])],
    outputs: [{ name: "a", file_type: "csv", resource_id: oid(0x600) }],
    parameters: [parameter("seed", "int", 1)],
  };

  it("appends a copy of the operation with a new id, its origin, no links and nothing produced", () => {
    const before = graph();
    const after = addNode(before, operation, { x: 10.6, y: 20.2 }, () => oid(0x700));
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]).toEqual({
      _id: oid(0x700),
      kind: "basic-python-operation",
      title: "Split",
      description: "Splits a table",
      original_node_id: oid(0x500),
      inputs: [input("data", ["csv"], []), input("rate", ["float"], [{ value: 0.5 }])],
      outputs: [{ name: "a", file_type: "csv", resource_id: null }],
      parameters: [parameter("seed", "int", 1)],
      logs: [],
      x: 11,
      y: 20,
    });
    expect(after[3].parameters[0]).not.toBe(operation.parameters[0]);
    expect(operation.inputs[0].values).toEqual([link(A, "out")]);
  });

  it("clears the operation's logs and uses a random id by default", () => {
    const after = addNode([], { ...operation, logs: [{ name: "stdout", file_type: "file", resource_id: oid(1) }] }, { x: 0, y: 0 });
    expect(after[0].logs).toEqual([{ name: "stdout", file_type: "file", resource_id: null }]);
    expect(after[0]._id).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe("removeNodes", () => {
  it("removes the nodes and the links from them, keeping other values", () => {
    const before = graph();
    const after = removeNodes(before, [A]);
    expect(after.map((n) => n._id)).toEqual([B, C]);
    expect(after[0].inputs).toEqual([input("data", ["csv"], []), input("rate", ["float"], [{ value: 0.5 }])]);
    expect(after[1].inputs[0].values).toEqual([link(B, "a"), { resource_id: oid(0xf) }]);
    expect(before).toEqual(graph());
  });

  it("keeps untouched nodes by reference and ignores unknown ids", () => {
    const before = graph();
    const after = removeNodes(before, new Set([C, MISSING]));
    expect(after).toEqual(before.slice(0, 2));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
  });
});

describe("connect", () => {
  it("adds the link after the input's values", () => {
    const before = graph();
    before[2].inputs[0].values = [];
    const result = connect(before, { source: B, sourceHandle: "a", target: C, targetHandle: "parts" });
    expect(result).toEqual({ ok: true, nodes: [before[0], before[1], { ...before[2], inputs: [input("parts", ["csv"], [link(B, "a")], 1, -1)] }] });
    expect(before[2].inputs[0].values).toEqual([]);
  });

  it("replaces an inline value with the link", () => {
    const before = [...graph(), node(oid(0xe), { title: "Num", outputs: [output("x", "float")] })];
    const result = connect(before, { source: oid(0xe), sourceHandle: "x", target: B, targetHandle: "rate" });
    expect(result.ok && result.nodes[1].inputs[1].values).toEqual([link(oid(0xe), "x")]);
    expect(result.ok && result.nodes[1].inputs[0]).toBe(before[1].inputs[0]);
  });

  it("refuses what canConnect refuses, with its reason, changing nothing", () => {
    const before = graph();
    expect(connect(before, { source: C, sourceHandle: "x", target: A, targetHandle: "y" })).toEqual({
      ok: false,
      reason: `"Join" has no output "x".`,
    });
    expect(before).toEqual(graph());
  });
});

describe("disconnect", () => {
  it("removes the link and keeps the other values", () => {
    const after = disconnect(graph(), { source: B, sourceHandle: "a", target: C, targetHandle: "parts" });
    expect(after[2].inputs[0].values).toEqual([{ resource_id: oid(0xf) }, link(A, "out")]);
    expect(after.slice(0, 2)).toEqual(graph().slice(0, 2));
  });

  it("leaves the node's other inputs as they were", () => {
    const before = graph();
    const after = disconnect(before, { source: A, sourceHandle: "out", target: B, targetHandle: "data" });
    expect(after[1].inputs[0].values).toEqual([]);
    expect(after[1].inputs[1]).toBe(before[1].inputs[1]);
    expect(after[2]).toBe(before[2]);
  });

  it.each([
    ["an unknown node", { source: A, sourceHandle: "out", target: MISSING, targetHandle: "parts" }],
    ["an unknown input", { source: A, sourceHandle: "out", target: C, targetHandle: "nope" }],
    ["a link that is not there", { source: A, sourceHandle: "other", target: C, targetHandle: "parts" }],
  ])("returns the same array for %s", (_, connection) => {
    const before = graph();
    expect(disconnect(before, connection)).toBe(before);
  });
});

describe("setParameter", () => {
  it("sets a value that fits, keeping other nodes by reference", () => {
    const before = graph();
    const result = setParameter(before, B, "seed", 42);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.nodes[1].parameters).toEqual([
      parameter("seed", "int", 42),
      parameter("tint", "color", "#ff0000"),
      parameter("tags", "list_str", []),
    ]);
    expect(result.nodes[0]).toBe(before[0]);
    expect(before[1].parameters[0].value).toBe(1);
  });

  it("stores colors in lower case, as the server does", () => {
    const result = setParameter(graph(), B, "tint", "#1E88E5");
    expect(result.ok && result.nodes[1].parameters[1].value).toBe("#1e88e5");
  });

  it("stores a copy of a list, not the caller's array", () => {
    const tags = ["x"];
    const result = setParameter(graph(), B, "tags", tags);
    tags.push("y");
    expect(result.ok && result.nodes[1].parameters[2].value).toEqual(["x"]);
  });

  it.each([
    ["an unknown node", MISSING, "seed", 1, `There is no node ${MISSING}.`],
    ["an unknown parameter", B, "nope", 1, `"Split" has no parameter "nope".`],
    ["a value of the wrong type", B, "seed", "ten", `Parameter "seed" of "Split": expected an integer.`],
  ])("refuses %s", (_, nodeId, name, value, reason) => {
    expect(setParameter(graph(), nodeId, name, value)).toEqual({ ok: false, reason });
  });
});

describe("sharedParameters and setParameterOnNodes", () => {
  function selection(): NodeDoc[] {
    return [
      node(A, { title: "One", parameters: [parameter("seed", "int", 1), parameter("rate", "float", 0.5), parameter("name", "str", "x")] }),
      node(B, { title: "Two", parameters: [parameter("name", "str", "x"), parameter("seed", "int", 2), parameter("rate", "str", "0.5")] }),
      node(C, { title: "Three", parameters: [parameter("other", "int", 1)] }),
    ];
  }

  it("lists the parameters of the same name and type, in the first node's order, saying if values differ", () => {
    const nodes = selection();
    expect(sharedParameters(nodes, [A, B])).toEqual([
      { parameter: nodes[0].parameters[0], mixed: true },
      { parameter: nodes[0].parameters[2], mixed: false },
    ]);
    expect(sharedParameters(nodes, [A])).toEqual(nodes[0].parameters.map((parameter) => ({ parameter, mixed: false })));
    expect(sharedParameters(nodes, [A, B, C])).toEqual([]);
    expect(sharedParameters(nodes, [])).toEqual([]);
  });

  it("sets a shared parameter on every selected node", () => {
    const before = selection();
    const result = setParameterOnNodes(before, [A, B, A], "seed", 7);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.nodes[0].parameters[0].value).toBe(7);
    expect(result.nodes[1].parameters[1].value).toBe(7);
    expect(result.nodes[2]).toBe(before[2]);
  });

  it("refuses as a whole when one node refuses", () => {
    expect(setParameterOnNodes(selection(), [A, B], "rate", 0.25)).toEqual({
      ok: false,
      reason: `Parameter "rate" of "Two": expected a string.`,
    });
    expect(setParameterOnNodes(selection(), [A, C], "seed", 3)).toEqual({
      ok: false,
      reason: `"Three" has no parameter "seed".`,
    });
  });
});

describe("setInlineValue", () => {
  function primitives(): NodeDoc[] {
    return [
      node(A, {
        title: "Prim",
        inputs: [
          input("i", ["int"]),
          input("f", ["float"]),
          input("s", ["str"]),
          input("b", ["bool"]),
          input("c", ["color"]),
          input("either", ["int", "str"], [{ resource_id: oid(1) }]),
          input("table", ["csv"]),
          input("linked", ["int"], [link(B, "n")]),
        ],
      }),
      node(B, { title: "Num", outputs: [output("n", "int")] }),
    ];
  }

  it.each([
    ["i", 3],
    ["f", 2.5],
    ["f", 2],
    ["s", "text"],
    ["b", false],
    ["c", "#abc"],
    ["either", 7],
    ["either", "seven"],
  ])("writes %s = %j", (name, value) => {
    const before = primitives();
    const result = setInlineValue(before, A, name, value);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.nodes[0].inputs.find((port) => port.name === name)?.values).toEqual([{ value }]);
    expect(result.nodes[1]).toBe(before[1]);
  });

  it("clears the value with null", () => {
    const before = primitives();
    before[0].inputs[0].values = [{ value: 3 }];
    const result = setInlineValue(before, A, "i", null);
    expect(result.ok && result.nodes[0].inputs[0].values).toEqual([]);
    expect(before[0].inputs[0].values).toEqual([{ value: 3 }]);
  });

  it.each([
    ["an unknown node", MISSING, "i", 1, `There is no node ${MISSING}.`],
    ["an unknown input", A, "nope", 1, `"Prim" has no input "nope".`],
    ["an input of a file type", A, "table", "x", `Input "table" of "Prim" takes csv, which cannot be written inline.`],
    ["a connected input", A, "linked", 1, `Input "linked" of "Prim" is connected; disconnect it to write a value.`],
    ["a fraction for an int", A, "i", 1.5, `1.5 is not a valid int for input "i" of "Prim".`],
    ["text for a float", A, "f", "1", `"1" is not a valid float for input "f" of "Prim".`],
    ["infinity for a float", A, "f", Number.POSITIVE_INFINITY, `Infinity is not a valid float for input "f" of "Prim".`],
    ["a number for a bool", A, "b", 1, `1 is not a valid bool for input "b" of "Prim".`],
    ["a name for a color", A, "c", "red", `"red" is not a valid color for input "c" of "Prim".`],
    ["a number for a color", A, "c", 1, `1 is not a valid color for input "c" of "Prim".`],
    ["a bool for int or str", A, "either", true, `true is not a valid int or str for input "either" of "Prim".`],
  ])("refuses %s", (_, nodeId, name, value, reason) => {
    expect(setInlineValue(primitives(), nodeId, name, value)).toEqual({ ok: false, reason });
  });
});

describe("copyNodes and pasteNodes", () => {
  it("copies the chosen nodes with only the links among them", () => {
    const payload = copyNodes(graph(), [B, C]);
    expect(payload.format).toBe(CLIPBOARD_FORMAT);
    expect(payload.nodes.map((n) => n._id)).toEqual([B, C]);
    expect(payload.nodes[0].inputs[0].values).toEqual([]);
    expect(payload.nodes[1].inputs[0].values).toEqual([link(B, "a"), { resource_id: oid(0xf) }]);
  });

  it("copies, so later edits of the graph do not reach the clipboard", () => {
    const nodes = graph();
    const payload = copyNodes(nodes, [A]);
    nodes[0].outputs[0].name = "changed";
    expect(payload.nodes[0].outputs[0].name).toBe("out");
  });

  it("pastes with fresh ids, moved by the offset, with internal links renamed", () => {
    const before = graph();
    const payload = copyNodes(before, [A, B]);
    const { nodes, pastedIds } = pasteNodes(before, payload, { x: 40, y: 40.4 }, counterIds(0x100));
    expect(pastedIds).toEqual([oid(0x100), oid(0x101)]);
    expect(nodes.slice(0, 3)).toEqual(before);
    expect(nodes.slice(3)).toEqual([
      { ...before[0], _id: oid(0x100), x: 40, y: 40 },
      {
        ...before[1],
        _id: oid(0x101),
        x: 340,
        y: 40,
        inputs: [input("data", ["csv"], [link(oid(0x100), "out")]), input("rate", ["float"], [{ value: 0.5 }])],
      },
    ]);
  });

  it("drops links to nodes outside the payload, even if the payload kept them", () => {
    const payload: ClipboardPayload = { format: CLIPBOARD_FORMAT, nodes: [graph()[2]] };
    const { nodes } = pasteNodes([], payload, { x: 0, y: 0 }, counterIds());
    expect(nodes[0].inputs[0].values).toEqual([{ resource_id: oid(0xf) }]);
  });

  it("pastes the same payload twice as two separate copies", () => {
    const payload = copyNodes(graph(), [A, B]);
    const ids = counterIds();
    const once = pasteNodes([], payload, { x: 0, y: 0 }, ids);
    const twice = pasteNodes(once.nodes, payload, { x: 0, y: 0 }, ids);
    expect(twice.nodes.map((n) => n._id)).toEqual([oid(0x100), oid(0x101), oid(0x102), oid(0x103)]);
    expect(twice.nodes[3].inputs[0].values).toEqual([link(oid(0x102), "out")]);
  });

  it("uses random ids by default", () => {
    const { pastedIds } = pasteNodes([], copyNodes(graph(), [A]), { x: 0, y: 0 });
    expect(pastedIds[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(pastedIds[0]).not.toBe(A);
  });
});

describe("parseClipboard", () => {
  it("reads back a copied payload", () => {
    const payload = copyNodes(graph(), [A, B]);
    expect(parseClipboard(JSON.stringify(payload))).toEqual(payload);
  });

  it.each([
    ["text that is not JSON", "hello"],
    ["JSON null", "null"],
    ["a number", "3"],
    ["another format", JSON.stringify({ format: "other", nodes: [] })],
    ["nodes that are not a list", JSON.stringify({ format: CLIPBOARD_FORMAT, nodes: {} })],
  ])("gives null for %s", (_, text) => {
    expect(parseClipboard(text)).toBeNull();
  });
});

describe("autoLayout", () => {
  it("places nodes in layers by their longest upstream path", () => {
    const nodes = autoLayout(graph());
    expect(nodes.map((n) => [n.x, n.y])).toEqual([
      [0, 0],
      [280, 0],
      [560, 0],
    ]);
  });

  it("keeps nodes that are already in place by reference", () => {
    const before = graph().map((n, i) => ({ ...n, x: i * 280 }));
    const after = autoLayout(before);
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
  });

  it("orders a layer by the rows of the nodes feeding it, with the given gaps", () => {
    // Two sources; the first listed downstream node is fed by the lower source.
    const nodes = [
      node(oid(1), { outputs: [output("o", "csv")] }),
      node(oid(2), { outputs: [output("o", "csv")] }),
      node(oid(3), { inputs: [input("i", ["csv"], [link(oid(2), "o")])] }),
      node(oid(4), { inputs: [input("i", ["csv"], [link(oid(1), "o")])] }),
      node(oid(5), { inputs: [input("i", ["csv"], [link(oid(1), "o"), link(oid(2), "o"), link(MISSING, "o")], 1, -1)] }),
    ];
    expect(autoLayout(nodes, { layerGap: 100, rowGap: 10 }).map((n) => [n.x, n.y])).toEqual([
      [0, 0],
      [0, 10],
      [100, 20],
      [100, 0],
      [100, 10],
    ]);
  });

  it("puts nodes on a cycle in a last layer instead of losing them", () => {
    const nodes = [
      node(oid(1), { outputs: [output("o", "csv")] }),
      node(oid(2), { inputs: [input("i", ["csv"], [link(oid(1), "o"), link(oid(3), "o")], 1, -1)], outputs: [output("o", "csv")] }),
      node(oid(3), { inputs: [input("i", ["csv"], [link(oid(2), "o")])], outputs: [output("o", "csv")] }),
    ];
    expect(autoLayout(nodes).map((n) => [n.x, n.y])).toEqual([
      [0, 0],
      [280, 0],
      [280, 140],
    ]);
  });

  it("lays out a graph that is all cycle", () => {
    const nodes = [
      node(oid(1), { inputs: [input("i", ["csv"], [link(oid(2), "o")])], outputs: [output("o", "csv")] }),
      node(oid(2), { inputs: [input("i", ["csv"], [link(oid(1), "o")])], outputs: [output("o", "csv")] }),
    ];
    expect(autoLayout(nodes).map((n) => [n.x, n.y])).toEqual([
      [280, 0],
      [280, 140],
    ]);
  });

  it("is deterministic and gives every node a distinct place", () => {
    const random = seeded(99);
    const nodes: NodeDoc[] = [];
    for (let i = 0; i < 60; i++) {
      const sources = nodes.filter(() => random() < 0.1).map((n) => link(n._id, "o"));
      nodes.push(node(oid(i + 1), { inputs: [input("i", ["csv"], sources, 0, -1)], outputs: [output("o", "csv")] }));
    }
    const first = autoLayout(nodes);
    expect(autoLayout(nodes)).toEqual(first);
    expect(new Set(first.map((n) => `${n.x},${n.y}`)).size).toBe(60);
    for (const n of first) {
      for (const value of n.inputs[0].values) {
        const upstream = first.find((m) => "node_id" in value && m._id === value.node_id) as NodeDoc;
        expect(upstream.x).toBeLessThan(n.x);
      }
    }
    expect(autoLayout([])).toEqual([]);
  });
});
