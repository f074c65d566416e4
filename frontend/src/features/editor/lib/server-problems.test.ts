import { describe, expect, test } from "vitest";

import { serverProblems } from "./server-problems";

const titles = new Map([
  ["n1", "Load"],
  ["n2", "Train"],
]);

describe("serverProblems", () => {
  test("flattens the tree into sentences, each with its node and port", () => {
    const tree = {
      target: "GRAPH",
      object_id: "w1",
      validation_code: "IN_DEPENDENTS",
      message: "the workflow has 2 problem(s)",
      children: [
        {
          target: "GRAPH",
          object_id: "w1",
          validation_code: "CYCLE",
          message: "the workflow has a cycle: Load → Train → Load",
          children: [
            { target: "NODE", object_id: "n1", validation_code: "CYCLE", message: "on a cycle", children: [] },
            { target: "NODE", object_id: "n2", validation_code: "CYCLE", message: "on a cycle", children: [] },
          ],
        },
        {
          target: "NODE",
          object_id: "n2",
          validation_code: "IN_DEPENDENTS",
          message: "'Train' has 1 problem(s)",
          children: [
            {
              target: "INPUT",
              object_id: "data",
              validation_code: "MISSING_INPUT",
              message: "input 'data' of 'Train' needs at least 1 connection(s), has 0",
              children: [],
            },
            { target: "PARAMETER", object_id: "epochs", validation_code: "INVALID_VALUE", message: "", children: [] },
          ],
        },
      ],
    };
    expect(serverProblems(tree, titles)).toEqual([
      { nodeId: "n1", message: '"Load": on a cycle.' },
      { nodeId: "n2", message: '"Train": on a cycle.' },
      { nodeId: "n2", port: "data", message: "Input 'data' of 'Train' needs at least 1 connection(s), has 0." },
      { nodeId: "n2", parameter: "epochs", message: '"Train": Invalid value: parameter epochs.' },
    ]);
  });

  test("a problem of the whole graph has no node", () => {
    const tree = { target: "GRAPH", object_id: "w1", validation_code: "EMPTY_GRAPH", message: "the workflow has no nodes", children: [] };
    expect(serverProblems(tree, titles)).toEqual([{ nodeId: "", message: "The workflow has no nodes." }]);
  });

  test("no tree, no problems", () => {
    expect(serverProblems(null, titles)).toEqual([]);
  });
});
