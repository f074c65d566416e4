import { describe, expect, it } from "vitest";

import type { FlowEdge, FlowNode } from "./convert";
import { asConnection, edgeId, fromFlow, linksToEdges, parseEdgeId, toFlow } from "./convert";
import { input, link, node, oid, output, parameter, seeded } from "./testing";
import type { InputValue, NodeDoc } from "./types";

const A = oid(0xa);
const B = oid(0xb);
const C = oid(0xc);

function sample(): NodeDoc[] {
  return [
    node(A, { title: "Read", x: 10, y: 20, outputs: [output("out", "csv"), output("log", "txt")] }),
    node(B, {
      title: "Split",
      x: 300,
      y: 20,
      inputs: [input("data", ["csv"], [link(A, "out")]), input("rate", ["float"], [{ value: 0.5 }])],
      outputs: [output("a", "csv"), output("b", "csv")],
    }),
    node(C, {
      title: "Join",
      x: 600,
      y: 40,
      inputs: [input("parts", ["csv"], [link(B, "a"), { resource_id: oid(0xf) }, link(B, "b")], 1, -1)],
    }),
  ];
}

describe("toFlow", () => {
  it("makes one React Flow node per document, placed at its x and y, holding the document", () => {
    const docs = sample();
    const flow = toFlow(docs);
    expect(flow.nodes).toEqual([
      { id: A, type: "operation", position: { x: 10, y: 20 }, data: { doc: docs[0] } },
      { id: B, type: "operation", position: { x: 300, y: 20 }, data: { doc: docs[1] } },
      { id: C, type: "operation", position: { x: 600, y: 40 }, data: { doc: docs[2] } },
    ]);
    expect(flow.nodes[1].data.doc).toBe(docs[1]);
  });

  it("makes one edge per link with the port names as handles and a stable id", () => {
    expect(toFlow(sample()).edges).toEqual([
      { id: `${A}:out->${B}:data#0`, source: A, sourceHandle: "out", target: B, targetHandle: "data" },
      { id: `${B}:a->${C}:parts#0`, source: B, sourceHandle: "a", target: C, targetHandle: "parts" },
      { id: `${B}:b->${C}:parts#0`, source: B, sourceHandle: "b", target: C, targetHandle: "parts" },
    ]);
  });

  it("numbers repeated identical links into one input", () => {
    const docs = [
      node(A, { outputs: [output("out", "csv")] }),
      node(B, { inputs: [input("in", ["csv"], [link(A, "out"), link(A, "out")], 0, -1)] }),
    ];
    expect(toFlow(docs).edges.map((edge) => edge.id)).toEqual([`${A}:out->${B}:in#0`, `${A}:out->${B}:in#1`]);
  });

  it("makes no edge for a link to a node that is not in the graph", () => {
    const docs = [node(B, { inputs: [input("in", ["csv"], [link(A, "out")])] })];
    expect(linksToEdges(docs)).toEqual([]);
  });

  it("does not change the documents", () => {
    const docs = sample();
    const before = JSON.parse(JSON.stringify(docs));
    toFlow(docs);
    expect(docs).toEqual(before);
  });

  it("builds edge ids from their parts", () => {
    expect(edgeId("s", "o", "t", "i")).toBe("s:o->t:i#0");
    expect(edgeId("s", "o", "t", "i", 3)).toBe("s:o->t:i#3");
  });
});

describe("fromFlow", () => {
  it("writes dragged positions back, rounded to the server's integers", () => {
    const flow = toFlow(sample());
    flow.nodes[0] = { ...flow.nodes[0], position: { x: 12.4, y: -7.6 } };
    const docs = fromFlow(flow.nodes, flow.edges);
    expect([docs[0].x, docs[0].y]).toEqual([12, -8]);
    expect(docs.slice(1)).toEqual(sample().slice(1));
  });

  it("appends a new edge's link after the existing values", () => {
    const flow = toFlow(sample());
    const edges: FlowEdge[] = [
      ...flow.edges,
      { id: "new", source: A, sourceHandle: "out", target: C, targetHandle: "parts" },
    ];
    expect(fromFlow(flow.nodes, edges)[2].inputs[0].values).toEqual([
      link(B, "a"),
      { resource_id: oid(0xf) },
      link(B, "b"),
      link(A, "out"),
    ]);
  });

  it("drops the link of a removed edge and keeps inline values and resources in place", () => {
    const flow = toFlow(sample());
    const edges = flow.edges.filter((edge) => edge.sourceHandle !== "a");
    const docs = fromFlow(flow.nodes, edges);
    expect(docs[2].inputs[0].values).toEqual([link(B, "b"), { resource_id: oid(0xf) }]);
    expect(docs[1].inputs[1].values).toEqual([{ value: 0.5 }]);
  });

  it("drops the links from a node removed from the canvas", () => {
    const flow = toFlow(sample());
    const docs = fromFlow(flow.nodes.slice(1), flow.edges);
    expect(docs.map((doc) => doc._id)).toEqual([B, C]);
    expect(docs[0].inputs[0].values).toEqual([]);
  });

  it("ignores edges with unknown nodes, missing handles, unknown outputs or unknown inputs", () => {
    const flow = toFlow(sample());
    const junk: FlowEdge[] = [
      { id: "1", source: oid(0x99), sourceHandle: "out", target: B, targetHandle: "data" },
      { id: "2", source: A, sourceHandle: "out", target: oid(0x99), targetHandle: "data" },
      { id: "3", source: A, sourceHandle: null, target: B, targetHandle: "data" },
      { id: "4", source: A, sourceHandle: "out", target: B },
      { id: "5", source: A, sourceHandle: "nope", target: B, targetHandle: "data" },
      { id: "6", source: A, sourceHandle: "out", target: B, targetHandle: "nope" },
    ];
    expect(fromFlow(flow.nodes, [...flow.edges, ...junk])).toEqual(sample());
  });

  it("does not change the flow nodes' documents", () => {
    const flow = toFlow(sample());
    fromFlow(flow.nodes, []);
    expect(flow.nodes.map((n) => n.data.doc)).toEqual(sample());
  });

  it("gives an empty graph for an empty canvas", () => {
    expect(fromFlow([], [])).toEqual([]);
    expect(toFlow([])).toEqual({ nodes: [], edges: [] });
  });
});

// Random valid graphs: links only go to earlier nodes' outputs of an accepted type, so there is
// no cycle and no dangling link; inputs mix links, resources and inline values in any order.
const FILE_TYPES = ["csv", "txt", "json", "int", "str", "float"];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomGraph(random: () => number): NodeDoc[] {
  const count = Math.floor(random() * 12);
  const docs: NodeDoc[] = [];
  for (let n = 0; n < count; n++) {
    const id = oid(0x1000 + Math.floor(random() * 0xffff) * 16 + n);
    const outputs = Array.from({ length: Math.floor(random() * 4) }, (_, i) => output(`o${i}`, pick(random, FILE_TYPES)));
    const inputs = Array.from({ length: Math.floor(random() * 4) }, (_, i) => {
      const fileTypes = FILE_TYPES.filter(() => random() < 0.4);
      if (fileTypes.length === 0) fileTypes.push(pick(random, FILE_TYPES));
      const sources = docs.flatMap((doc) =>
        doc.outputs.filter((port) => fileTypes.includes(port.file_type)).map((port) => link(doc._id, port.name)),
      );
      const values: InputValue[] = [];
      for (let v = Math.floor(random() * 5); v > 0; v--) {
        const roll = random();
        if (roll < 0.6 && sources.length > 0) values.push(pick(random, sources));
        else if (roll < 0.8) values.push({ resource_id: oid(Math.floor(random() * 1e6)) });
        else values.push({ value: pick(random, [1, 2.5, "text", true, null]) });
      }
      return input(`i${i}`, fileTypes, values, Math.floor(random() * 2), pick(random, [-1, 1, 2, 5]));
    });
    docs.push(
      node(id, {
        title: `n${n}`,
        x: Math.floor(random() * 2000) - 1000,
        y: Math.floor(random() * 2000) - 1000,
        inputs,
        outputs,
        parameters: random() < 0.5 ? [parameter("seed", "int", Math.floor(random() * 100))] : [],
        logs: random() < 0.3 ? [{ name: "stdout", file_type: "file", resource_id: null }] : [],
        ...(random() < 0.1 ? { nodes: [node(oid(n + 1))] } : {}),
      }),
    );
  }
  return docs;
}

describe("round trip", () => {
  it("fromFlow(toFlow(docs)) gives docs back for 500 random valid graphs", () => {
    const random = seeded(20261125);
    let links = 0;
    for (let run = 0; run < 500; run++) {
      const docs = randomGraph(random);
      const copy: NodeDoc[] = JSON.parse(JSON.stringify(docs));
      const flow = toFlow(copy);
      links += flow.edges.length;
      expect(new Set(flow.edges.map((edge) => edge.id)).size).toBe(flow.edges.length);
      expect(fromFlow(flow.nodes, flow.edges)).toEqual(docs);
    }
    // The generator must actually produce links, or the property says little.
    expect(links).toBeGreaterThan(1000);
  });

  it("survives edges coming back from React Flow as new objects in the same order", () => {
    const docs = sample();
    const flow = toFlow(docs);
    const nodes: FlowNode[] = flow.nodes.map((n) => ({ ...n, selected: true, position: { ...n.position } }));
    const edges: FlowEdge[] = flow.edges.map((edge) => ({ ...edge, selected: false }));
    expect(fromFlow(nodes, edges)).toEqual(docs);
  });
});

describe("parseEdgeId", () => {
  it("reads back the parts of an edge id, also for names with dots and dashes", () => {
    expect(parseEdgeId(edgeId(A, "out.csv", B, "in-", 2))).toEqual({
      source: A,
      sourceHandle: "out.csv",
      target: B,
      targetHandle: "in-",
      index: 2,
    });
    expect(parseEdgeId(edgeId(A, "a-", B, "b"))).toMatchObject({ sourceHandle: "a-", targetHandle: "b", index: 0 });
  });

  it.each(["", "xyflow__edge-a-b", `${A}:out->${B}:in`, `${A}:out->${B}:in#x`, `${A}->${B}:in#0`])(
    "gives null for %j",
    (id) => {
      expect(parseEdgeId(id)).toBeNull();
    },
  );
});

describe("asConnection", () => {
  it("keeps a connection with both handles", () => {
    expect(asConnection({ source: A, sourceHandle: "out", target: B, targetHandle: "in" })).toEqual({
      source: A,
      sourceHandle: "out",
      target: B,
      targetHandle: "in",
    });
  });

  it.each([
    { source: A, sourceHandle: null, target: B, targetHandle: "in" },
    { source: A, sourceHandle: "out", target: B, targetHandle: null },
    { source: A, target: B },
  ])("gives null when a handle is missing (%j)", (connection) => {
    expect(asConnection(connection)).toBeNull();
  });
});
