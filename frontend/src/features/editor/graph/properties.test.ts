import { describe, expect, it } from "vitest";

import { fromFlow, parseEdgeId, toFlow } from "./convert";
import { connect, disconnect } from "./edit";
import { canConnect, findCycle, validateGraph } from "./rules";
import { input, node, oid, output, seeded } from "./testing";
import type { Connection, NodeDoc } from "./types";

// Properties that tie the modules together, over random edit sessions on unlinked nodes.
const TYPES = ["csv", "txt", "json"];

function unlinked(random: () => number, count: number): NodeDoc[] {
  return Array.from({ length: count }, (_, n) =>
    node(oid(0x100 + n), {
      title: `n${n}`,
      inputs: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) =>
        input(`i${i}`, TYPES.filter(() => random() < 0.6).concat(TYPES[i]), [], Math.floor(random() * 2), [1, 2, -1][Math.floor(random() * 3)]),
      ),
      outputs: Array.from({ length: 1 + Math.floor(random() * 2) }, (_, o) => output(`o${o}`, TYPES[Math.floor(random() * 3)])),
    }),
  );
}

function randomConnection(random: () => number, nodes: NodeDoc[]): Connection {
  const from = nodes[Math.floor(random() * nodes.length)];
  const to = nodes[Math.floor(random() * nodes.length)];
  return {
    source: from._id,
    sourceHandle: from.outputs[Math.floor(random() * from.outputs.length)].name,
    target: to._id,
    targetHandle: to.inputs[Math.floor(random() * to.inputs.length)].name,
  };
}

describe("random edit sessions", () => {
  it("connecting only what canConnect allows never makes a cycle, a mismatch or an overfull input", () => {
    const random = seeded(5);
    let accepted = 0;
    let refused = 0;
    for (let session = 0; session < 100; session++) {
      let nodes = unlinked(random, 2 + Math.floor(random() * 10));
      for (let step = 0; step < 30; step++) {
        const result = connect(nodes, randomConnection(random, nodes));
        if (result.ok) {
          nodes = result.nodes;
          accepted++;
        } else {
          refused++;
        }
      }
      expect(findCycle(nodes)).toBeNull();
      // Only required inputs left unconnected may remain.
      for (const problem of validateGraph(nodes)) expect(problem.message).toMatch(/needs at least/);
    }
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it("connect and disconnect agree with adding and removing the edge on the canvas", () => {
    const random = seeded(6);
    const done = { connected: 0, disconnected: 0 };
    for (let session = 0; session < 100; session++) {
      let nodes = unlinked(random, 2 + Math.floor(random() * 8));
      for (let step = 0; step < 20; step++) {
        const connection = randomConnection(random, nodes);
        const flow = toFlow(nodes);
        if (canConnect(nodes, connection).ok) {
          const edge = { id: "new", ...connection };
          const result = connect(nodes, connection);
          expect(result.ok && result.nodes).toEqual(fromFlow(flow.nodes, [...flow.edges, edge]));
          if (result.ok) nodes = result.nodes;
          done.connected++;
        } else if (flow.edges.length > 0 && random() < 0.5) {
          const edge = flow.edges[Math.floor(random() * flow.edges.length)];
          const parsed = parseEdgeId(edge.id) as Connection;
          const after = disconnect(nodes, parsed);
          expect(after).toEqual(fromFlow(flow.nodes, flow.edges.filter((other) => other !== edge)));
          nodes = after;
          done.disconnected++;
        }
      }
    }
    expect(done.connected).toBeGreaterThan(300);
    expect(done.disconnected).toBeGreaterThan(100);
  });
});
