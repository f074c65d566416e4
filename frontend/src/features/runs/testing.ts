/** Server answers of the run view, for its tests: a run, its nodes, their documents and logs. */
import { http, HttpResponse } from "msw";

import type { LogChunk, NodeRun, NodeRunAttempt, NodeRunDetail, RunDetail } from "./api/run";

export const RUN_ID = "6a2f0000000000000000000a";

export function runDetail(overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    id: RUN_ID,
    title: "Word count",
    kind: "workflow",
    status: "RUNNING",
    workflow: "6a1f0000000000000000000a",
    author: "alice",
    author_id: 1,
    parent_run: null,
    parent_node: null,
    cancel_requested_at: null,
    created_at: "2026-11-02T10:00:00Z",
    started_at: "2026-11-02T10:00:01Z",
    finished_at: null,
    duration: 12.5,
    readonly: false,
    description: "",
    graph: { title: "Word count", kind: "workflow", parameters: [] },
    node_counts: { SUCCESS: 1, RUNNING: 1 },
    ...overrides,
  };
}

export function nodeRun(overrides: Partial<NodeRun> & { id: string }): NodeRun {
  return {
    title: overrides.id,
    kind: "python",
    status: "CREATED",
    attempt: 0,
    queued_at: null,
    started_at: null,
    finished_at: null,
    duration: 0,
    error: "",
    outputs: [],
    logs: {},
    cache_key: "",
    restored_from: null,
    worker: "",
    child_run: null,
    ...overrides,
  };
}

/** A node's frozen document: one csv input (linked to `from`), one csv output, parameters. */
export function spec(id: string, title: string, x: number, options: { from?: string; parameters?: unknown[] } = {}) {
  return {
    _id: id,
    kind: "python",
    title,
    description: "",
    inputs: options.from
      ? [{ name: "data", file_types: ["csv"], values: [{ node_id: options.from, output_id: "out" }], min_count: 1, max_count: 1 }]
      : [],
    outputs: [{ name: "out", file_type: "csv", resource_id: null }],
    parameters: options.parameters ?? [],
    logs: [],
    x,
    y: 50,
  };
}

export function nodeDetail(node: NodeRun, frozen: unknown): NodeRunDetail {
  return { ...node, spec: frozen, downstream: [], inputs_resolved: {}, cache_key_parts: {} };
}

export function attempt(overrides: Partial<NodeRunAttempt> = {}): NodeRunAttempt {
  return {
    attempt: 1,
    worker: "worker-1@host",
    outcome: "SUCCESS",
    error: "",
    started_at: "2026-11-02T10:00:02Z",
    finished_at: "2026-11-02T10:00:05Z",
    duration: 3,
    ...overrides,
  };
}

export function logChunk(overrides: Partial<LogChunk> = {}): LogChunk {
  return { text: "", start: 0, offset: 0, size: 0, complete: true, attempt: 1, live: false, ...overrides };
}

/**
 * Handlers serving one run: `run()` and `nodes()` are asked on every request (so a test can
 * change what the server answers), specs by node id, attempts and logs of every node.
 */
export function runHandlers(options: {
  run: () => RunDetail;
  nodes: () => NodeRun[];
  specs: Record<string, unknown>;
  attempts?: NodeRunAttempt[];
  log?: (name: string, url: URL) => LogChunk;
}) {
  const base = `/api/v1/runs/${RUN_ID}`;
  return [
    http.get(`${base}/`, () => HttpResponse.json(options.run())),
    http.get(`${base}/nodes/`, ({ request }) => {
      const documents = new URL(request.url).searchParams.get("documents") === "true";
      const nodes = options.nodes().map((node) => (documents ? { ...node, spec: options.specs[node.id] } : node));
      return HttpResponse.json({ count: nodes.length, next: null, previous: null, results: nodes });
    }),
    http.get(`${base}/nodes/:nodeId/`, ({ params }) => {
      const node = options.nodes().find((candidate) => candidate.id === params.nodeId);
      if (!node) return HttpResponse.json({ detail: "No node with this id in the run." }, { status: 404 });
      return HttpResponse.json(nodeDetail(node, options.specs[node.id]));
    }),
    http.get(`${base}/nodes/:nodeId/attempts/`, () => HttpResponse.json(options.attempts ?? [])),
    http.get(`${base}/nodes/:nodeId/logs/:name/`, ({ params, request }) =>
      HttpResponse.json(options.log ? options.log(String(params.name), new URL(request.url)) : logChunk()),
    ),
  ];
}
