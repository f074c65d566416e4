import { describe, expect, it } from "vitest";

import {
  canConnect,
  checkParameterValue,
  compatiblePorts,
  findCycle,
  findPath,
  show,
  usedSlots,
  validateGraph,
  valueFitsInput,
} from "./rules";
import { input, link, node, oid, output, parameter } from "./testing";
import type { NodeDoc, ParameterType } from "./types";

const A = oid(0xa);
const B = oid(0xb);
const C = oid(0xc);
const D = oid(0xd);
const MISSING = oid(0x99);

// Read → Split → Join, and a free Plot node.
function graph(): NodeDoc[] {
  return [
    node(A, { title: "Read", outputs: [output("out", "csv"), output("n", "int")] }),
    node(B, {
      title: "Split",
      inputs: [input("data", ["csv", "tsv"]), input("rate", ["float"], [{ value: 0.5 }])],
      outputs: [output("a", "csv")],
    }),
    node(C, {
      title: "Join",
      inputs: [input("parts", ["csv"], [link(B, "a")], 1, 2), input("any", ["csv", "txt"], [], 0, -1)],
      outputs: [output("joined", "csv")],
    }),
    node(D, { title: "Plot", inputs: [input("table", ["csv"], [{ resource_id: oid(0xf) }])] }),
  ];
}

function wire(source: string, sourceHandle: string, target: string, targetHandle: string) {
  return { source, sourceHandle, target, targetHandle };
}

describe("canConnect", () => {
  it("allows a link of an accepted type into a free input", () => {
    expect(canConnect(graph(), wire(A, "out", B, "data"))).toEqual({ ok: true });
  });

  it("allows a link into an input that holds only an inline value", () => {
    const nodes = [...graph(), node(oid(0xe), { title: "Num", outputs: [output("x", "float")] })];
    expect(canConnect(nodes, wire(oid(0xe), "x", B, "rate"))).toEqual({ ok: true });
  });

  it("allows links into an unlimited input", () => {
    const nodes = graph();
    nodes[2].inputs[1].values = [link(A, "out"), link(B, "a"), { resource_id: oid(1) }];
    nodes[3].outputs = [output("t", "txt")];
    expect(canConnect(nodes, wire(D, "t", C, "any"))).toEqual({ ok: true });
  });

  it.each([
    ["an unknown source node", wire(MISSING, "out", B, "data"), `There is no node ${MISSING} to connect from.`],
    ["an unknown target node", wire(A, "out", MISSING, "data"), `There is no node ${MISSING} to connect to.`],
    ["a self-link", wire(C, "joined", C, "parts"), `"Join" cannot be connected to itself.`],
    ["an unknown output", wire(A, "nope", B, "data"), `"Read" has no output "nope".`],
    ["an unknown input", wire(A, "out", B, "nope"), `"Split" has no input "nope".`],
    [
      "a type mismatch",
      wire(A, "n", B, "data"),
      `Output "n" of "Read" is int, but input "data" of "Split" takes csv, tsv.`,
    ],
    [
      "a duplicate link",
      wire(B, "a", C, "parts"),
      `Output "a" of "Split" is already connected to input "parts" of "Join".`,
    ],
    ["a full input (resource)", wire(A, "out", D, "table"), `Input "table" of "Plot" takes at most 1 connection and already has 1.`],
    ["a cycle", wire(C, "joined", B, "data"), `Connecting would make a cycle: "Split" → "Join" → "Split".`],
  ])("refuses %s, saying why", (_, connection, reason) => {
    expect(canConnect(graph(), connection)).toEqual({ ok: false, reason });
  });

  it("says how many connections a fuller input takes", () => {
    const nodes = graph();
    nodes[2].inputs[0].values = [link(B, "a"), link(oid(0x77), "x")];
    expect(canConnect(nodes, wire(A, "out", C, "parts"))).toEqual({
      ok: false,
      reason: `Input "parts" of "Join" takes at most 2 connections and already has 2.`,
    });
  });

  it("names every node on a longer cycle, in order", () => {
    const nodes = [
      ...graph(),
      node(oid(0xe), { title: "Tail", inputs: [input("in", ["csv"], [link(C, "joined")])], outputs: [output("o", "csv")] }),
    ];
    nodes[1].inputs[0].values = [link(A, "out")];
    nodes[0].inputs = [input("seed", ["csv"], [], 0)];
    expect(canConnect(nodes, wire(oid(0xe), "o", A, "seed"))).toEqual({
      ok: false,
      reason: `Connecting would make a cycle: "Read" → "Split" → "Join" → "Tail" → "Read".`,
    });
  });

  it("does not change the graph", () => {
    const nodes = graph();
    canConnect(nodes, wire(A, "out", B, "data"));
    expect(nodes).toEqual(graph());
  });
});

describe("findPath", () => {
  it("finds the shortest downstream path and null when there is none", () => {
    const nodes = graph();
    nodes[1].inputs[0].values = [link(A, "out")];
    expect(findPath(nodes, A, C)).toEqual([A, B, C]);
    expect(findPath(nodes, A, A)).toEqual([A]);
    expect(findPath(nodes, C, A)).toBeNull();
    expect(findPath(nodes, MISSING, A)).toBeNull();
  });

  it("ignores links from missing nodes", () => {
    const nodes = [node(A, { inputs: [input("in", ["csv"], [link(MISSING, "x")])] })];
    expect(findPath(nodes, MISSING, A)).toBeNull();
  });

  it("visits a node reached twice only once", () => {
    // A diamond: A feeds B and C, both feed D.
    const nodes = [
      node(A, { outputs: [output("o", "csv")] }),
      node(B, { inputs: [input("i", ["csv"], [link(A, "o")])], outputs: [output("o", "csv")] }),
      node(C, { inputs: [input("i", ["csv"], [link(A, "o")])], outputs: [output("o", "csv")] }),
      node(D, { inputs: [input("i", ["csv"], [link(B, "o"), link(C, "o")], 1, -1)] }),
    ];
    expect(findPath(nodes, A, D)).toEqual([A, B, D]);
    expect(findPath(nodes, D, A)).toBeNull();
  });
});

describe("findCycle", () => {
  function ring(ids: string[], extra: NodeDoc[] = []): NodeDoc[] {
    return [
      ...extra,
      ...ids.map((id, i) =>
        node(id, {
          inputs: [input("i", ["csv"], [link(ids[(i + ids.length - 1) % ids.length], "o")])],
          outputs: [output("o", "csv")],
        }),
      ),
    ];
  }

  it("finds none in a DAG, an empty graph or a graph with dangling links", () => {
    const dag = graph();
    dag[1].inputs[0].values = [link(A, "out"), link(MISSING, "x")];
    expect(findCycle(dag)).toBeNull();
    expect(findCycle([])).toBeNull();
  });

  it("finds a cycle in link order", () => {
    expect(findCycle(ring([A, B, C]))).toEqual([A, B, C]);
    expect(findCycle(ring([A]))).toEqual([A]);
  });

  it("walks a long chain without overflowing the call stack", () => {
    const chain = Array.from({ length: 20000 }, (_, i) =>
      node(oid(i + 1), { inputs: i === 0 ? [] : [input("i", ["csv"], [link(oid(i), "o")])], outputs: [output("o", "csv")] }),
    );
    expect(findCycle(chain)).toBeNull();
    chain[0].inputs = [input("i", ["csv"], [link(oid(20000), "o")])];
    expect(findCycle(chain)).toHaveLength(20000);
  });

  it("finds a cycle behind nodes that are not on it", () => {
    const head = node(D, { outputs: [output("o", "csv")] });
    const nodes = ring([A, B], [head]);
    nodes[1].inputs.push(input("j", ["csv"], [link(D, "o")]));
    expect(findCycle(nodes)).toEqual([A, B]);
    expect(findCycle([...graph(), ...ring([oid(0xe0), oid(0xe1)])])).toEqual([oid(0xe0), oid(0xe1)]);
  });
});

describe("valueFitsInput", () => {
  it.each([
    [3, ["int"], true],
    [3.5, ["int"], false],
    [3.5, ["float"], true],
    [Number.NaN, ["float"], false],
    ["3", ["int", "float"], false],
    ["3", ["csv", "str"], true],
    [true, ["bool"], true],
    [true, ["int", "str"], false],
    ["#fff", ["color"], true],
    ["white", ["color"], false],
    [null, ["int", "float", "str", "bool", "color"], false],
    ["x", ["csv"], false],
  ])("%j into %j: %s", (value, fileTypes, fits) => {
    expect(valueFitsInput(value, fileTypes)).toBe(fits);
  });
});

describe("compatiblePorts", () => {
  const doc = node(A, {
    inputs: [input("table", ["csv", "tsv"]), input("text", ["txt"]), input("more", ["csv"])],
    outputs: [output("out", "csv"), output("image", "png")],
  });

  it("names the inputs that take a wire dragged from an output", () => {
    expect(compatiblePorts(doc, { from: "output", fileType: "csv" })).toEqual(["table", "more"]);
    expect(compatiblePorts(doc, { from: "output", fileType: "json" })).toEqual([]);
  });

  it("names the outputs that can feed a wire dragged from an input", () => {
    expect(compatiblePorts(doc, { from: "input", fileTypes: ["png", "jpg"] })).toEqual(["image"]);
    expect(compatiblePorts(doc, { from: "input", fileTypes: ["txt"] })).toEqual([]);
  });
});

describe("show", () => {
  it("quotes strings only", () => {
    expect([show("a"), show(1.5), show(true), show(null)]).toEqual(['"a"', "1.5", "true", "null"]);
  });
});

describe("usedSlots", () => {
  it("counts links and resources but not inline values", () => {
    expect(usedSlots(input("x", ["int"], [link(A, "n"), { resource_id: oid(1) }, { value: 3 }], 0, -1))).toBe(2);
  });
});

describe("checkParameterValue", () => {
  const cases: [ParameterType, unknown, string | null][] = [
    ["str", "hello", null],
    ["str", 3, "expected a string"],
    ["text", "a\nb", null],
    ["text", null, "expected a string"],
    ["int", 42, null],
    ["int", -1, null],
    ["int", 1.5, "expected an integer"],
    ["int", "1", "expected an integer"],
    ["int", true, "expected an integer"],
    ["float", 0.25, null],
    ["float", 3, null],
    ["float", Number.NaN, "expected a finite number"],
    ["float", Number.POSITIVE_INFINITY, "expected a finite number"],
    ["float", "0.5", "expected a finite number"],
    ["bool", false, null],
    ["bool", 0, "expected true or false"],
    ["enum", { values: ["a", "b"], index: 1 }, null],
    ["enum", { values: [], index: 0 }, null],
    ["enum", { values: [], index: 1 }, "an enum without values must have index 0"],
    ["enum", { values: ["a"], index: 1 }, "enum index 1 is out of range for 1 values"],
    ["enum", { values: ["a"], index: -1 }, "enum index -1 is out of range for 1 values"],
    ["enum", { values: ["a"], index: 0.5 }, "expected the enum's index to be an integer"],
    ["enum", { values: ["a", "a"], index: 0 }, "the enum lists a value twice"],
    ["enum", { values: [1], index: 0 }, "expected the enum's values to be a list of strings"],
    ["enum", { values: ["a"] }, "expected an object with index and values"],
    ["enum", { values: ["a"], index: 0, extra: 1 }, "expected an object with index and values"],
    ["enum", ["a"], "expected an object with index and values"],
    ["enum", null, "expected an object with index and values"],
    ["list_str", ["a", ""], null],
    ["list_str", [], null],
    ["list_str", ["a", 1], "expected a list of strings"],
    ["list_str", "a", "expected a list of strings"],
    ["list_int", [1, -2], null],
    ["list_int", [1, 2.5], "expected a list of integers"],
    ["list_int", { 0: 1 }, "expected a list of integers"],
    ["list_node", { value: [{ _id: A }] }, null],
    ["list_node", { value: [] }, null],
    ["list_node", { value: [{ id: A }] }, "expected a list of node objects with an _id"],
    ["list_node", { value: [null] }, "expected a list of node objects with an _id"],
    ["list_node", { value: {} }, "expected a list of node objects with an _id"],
    ["list_node", [], "expected a list of node objects with an _id"],
    ["code", { value: "echo hi", mode: "sh" }, null],
    ["code", { value: "print(1)", mode: "python" }, null],
    ["code", { value: "x", mode: "ruby" }, "expected code as a string with a mode (python, sh)"],
    ["code", { value: 1, mode: "sh" }, "expected code as a string with a mode (python, sh)"],
    ["code", { value: "x" }, "expected code as a string with a mode (python, sh)"],
    ["color", "#1e88e5", null],
    ["color", "#FFF", null],
    ["color", "#12345", "expected a color such as #1e88e5"],
    ["color", "red", "expected a color such as #1e88e5"],
    ["color", 0xffffff, "expected a color such as #1e88e5"],
  ];

  it.each(cases)("%s %j → %s", (type, value, expected) => {
    expect(checkParameterValue(type, value)).toBe(expected);
  });

  it("names an unknown type", () => {
    expect(checkParameterValue("matrix" as ParameterType, 1)).toBe('unknown parameter type "matrix"');
  });
});

describe("validateGraph", () => {
  it("finds nothing in a complete graph", () => {
    const nodes = graph();
    nodes[1].inputs[0].values = [link(A, "out")];
    expect(validateGraph(nodes)).toEqual([]);
    expect(validateGraph([])).toEqual([]);
  });

  it("names required inputs that are not connected", () => {
    const nodes = graph();
    nodes[2].inputs[0] = input("parts", ["csv"], [], 2, -1);
    expect(validateGraph(nodes)).toEqual([
      { nodeId: B, port: "data", message: `Input "data" of "Split" needs at least 1 connection, has 0.` },
      { nodeId: C, port: "parts", message: `Input "parts" of "Join" needs at least 2 connections, has 0.` },
    ]);
  });

  it("names inputs with more values than they take", () => {
    const nodes = graph();
    nodes[1].inputs[0].values = [link(A, "out")];
    nodes[3].inputs[0].values = [{ resource_id: oid(1) }, { resource_id: oid(2) }];
    expect(validateGraph(nodes)).toEqual([
      { nodeId: D, port: "table", message: `Input "table" of "Plot" takes at most 1 connection, has 2.` },
    ]);
  });

  it("names parameters whose values do not fit their type", () => {
    const nodes = [
      node(A, {
        title: "Train",
        parameters: [
          parameter("epochs", "int", 2.5),
          parameter("rate", "float", 0.1),
          parameter("mode", "enum", { values: ["a"], index: 3 }),
          parameter("ids", "list_int", ["1"]),
          parameter("on", "bool", "yes"),
          parameter("tint", "color", "blue"),
        ],
      }),
    ];
    expect(validateGraph(nodes)).toEqual([
      { nodeId: A, parameter: "epochs", message: `Parameter "epochs" of "Train": expected an integer.` },
      { nodeId: A, parameter: "mode", message: `Parameter "mode" of "Train": enum index 3 is out of range for 1 values.` },
      { nodeId: A, parameter: "ids", message: `Parameter "ids" of "Train": expected a list of integers.` },
      { nodeId: A, parameter: "on", message: `Parameter "on" of "Train": expected true or false.` },
      { nodeId: A, parameter: "tint", message: `Parameter "tint" of "Train": expected a color such as #1e88e5.` },
    ]);
  });

  it("names inline values that do not fit their input", () => {
    const nodes = [
      node(A, {
        title: "Prim",
        inputs: [
          input("ok", ["int"], [{ value: 3 }]),
          input("n", ["int"], [{ value: 2.5 }]),
          input("file", ["csv"], [{ value: "a,b" }]),
          input("empty", ["str"], [{ value: null }]),
        ],
      }),
    ];
    expect(validateGraph(nodes)).toEqual([
      { nodeId: A, port: "n", message: `Value 2.5 does not fit input "n" of "Prim" (int).` },
      { nodeId: A, port: "file", message: `Value "a,b" does not fit input "file" of "Prim" (csv).` },
      { nodeId: A, port: "empty", message: `Value null does not fit input "empty" of "Prim" (str).` },
    ]);
  });

  it("marks every node on a cycle", () => {
    const nodes = graph();
    nodes[1].inputs[0].values = [link(C, "joined")];
    expect(validateGraph(nodes)).toEqual([
      { nodeId: B, message: `"Split" is on a cycle: "Split" → "Join" → "Split".` },
      { nodeId: C, message: `"Join" is on a cycle: "Split" → "Join" → "Split".` },
    ]);
  });

  it("names links to missing nodes, missing outputs and outputs of another type", () => {
    const nodes = graph();
    nodes[1].inputs[0].values = [link(MISSING, "out")];
    nodes[2].inputs[1].values = [link(A, "gone"), link(A, "n")];
    expect(validateGraph(nodes)).toEqual([
      { nodeId: B, port: "data", message: `Input "data" of "Split" is linked to a missing node ${MISSING}.` },
      { nodeId: C, port: "any", message: `Input "any" of "Join" is linked to a missing output "gone" of "Read".` },
      { nodeId: C, port: "any", message: `Output "n" of "Read" is int, but input "any" of "Join" takes csv, txt.` },
    ]);
  });
});
