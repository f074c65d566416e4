/** Server answers for the editor's tests: a small workflow, a catalog and the handlers serving them. */
import { http, HttpResponse, type RequestHandler } from "msw";

import { page, workflowSummary } from "@/testing/data";
import type { Operation, Workflow } from "@/lib/api/types";

import type { Hub } from "../api/catalog";
import type { NodeDoc } from "../graph/types";

export const WORKFLOW_ID = "6a1f00000000000000000001";

export const loadNode: NodeDoc = {
  _id: "6a1f000000000000000000a1",
  kind: "python",
  title: "Load data",
  description: "",
  original_node_id: "6a1f000000000000000000f1",
  inputs: [],
  outputs: [{ name: "table", file_type: "csv", resource_id: null }],
  parameters: [],
  logs: [],
  x: 0,
  y: 0,
};

export const trainNode: NodeDoc = {
  _id: "6a1f000000000000000000a2",
  kind: "python",
  title: "Train",
  description: "",
  original_node_id: "6a1f000000000000000000f2",
  inputs: [
    { name: "data", file_types: ["csv"], values: [{ node_id: loadNode._id, output_id: "table" }], min_count: 1, max_count: 1 },
    { name: "notes", file_types: ["txt"], values: [], min_count: 0, max_count: 1 },
    { name: "epochs", file_types: ["int"], values: [{ value: 3 }], min_count: 1, max_count: 1 },
  ],
  outputs: [{ name: "model", file_type: "file", resource_id: null }],
  parameters: [],
  logs: [],
  x: 320,
  y: 0,
};

export function workflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    ...workflowSummary({ id: WORKFLOW_ID, title: "Train a model", description: "" }),
    inputs: [],
    outputs: [],
    parameters: [],
    logs: [],
    nodes: [loadNode, trainNode] as unknown as Workflow["nodes"],
    ...overrides,
  } as Workflow;
}

function operation(id: string, title: string, kind: string, fields: Partial<NodeDoc>): Operation {
  // An operation has a workflow's header fields; approved operations are READY and read-only.
  return {
    ...workflowSummary({ id, kind, title, description: fields.description ?? "", node_status: "READY", readonly: true }),
    inputs: fields.inputs ?? [],
    outputs: fields.outputs ?? [],
    parameters: fields.parameters ?? [],
    logs: [],
  } as unknown as Operation;
}

export const catalogOperations: Operation[] = [
  operation("6a1f000000000000000000c1", "Read CSV", "python", {
    description: "Reads a table",
    outputs: [{ name: "table", file_type: "csv", resource_id: null }],
  }),
  operation("6a1f000000000000000000c2", "Plot histogram", "python", {
    inputs: [{ name: "table", file_types: ["csv"], values: [], min_count: 1, max_count: 1 }],
    outputs: [{ name: "plot", file_type: "image", resource_id: null }],
  }),
  operation("6a1f000000000000000000c3", "Echo", "bash_jinja2", {
    inputs: [{ name: "text", file_types: ["txt"], values: [], min_count: 1, max_count: 1 }],
    outputs: [{ name: "out", file_type: "txt", resource_id: null }],
  }),
];

export const hubs: Hub[] = [
  {
    kind: "default",
    title: "Operations",
    icon: "box",
    groups: [
      { key: "python", kind: "python", title: "Python", icon: "python", color: "#1e88e5", count: 2 },
      { key: "bash", kind: "bash_jinja2", title: "Bash", icon: "terminal", color: "#37474f", count: 1 },
      { key: "empty", kind: "sql", title: "SQL", icon: "database", color: "#6d4c41", count: 0 },
    ],
  },
];

/** The answers an editor page needs: the workflow, the catalog, and no runs yet. */
export function editorHandlers(current: Workflow = workflow()): RequestHandler[] {
  return [
    http.get(`/api/v1/workflows/${current.id}/`, () => HttpResponse.json(current)),
    http.get("/api/v1/hubs/", () => HttpResponse.json(hubs)),
    http.get("/api/v1/hubs/search/", ({ request }) => {
      const group = new URL(request.url).searchParams.get("group");
      const kind = hubs[0].groups.find((candidate) => candidate.key === group)?.kind;
      return HttpResponse.json(page(catalogOperations.filter((operation) => operation.kind === kind)));
    }),
  ];
}
