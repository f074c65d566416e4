import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeAll, describe, expect, test } from "vitest";

import { workflowSummary } from "@/testing/data";
import { mockReactFlowEnvironment } from "@/testing/react-flow";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import type { NodeRun, RunDetail } from "../api/run";
import { attempt, logChunk, nodeRun, RUN_ID, runDetail, runHandlers, spec } from "../testing";

beforeAll(mockReactFlowEnvironment);

const NEW_RUN_ID = "6a2f0000000000000000000b";
// The page is loaded lazily and draws a canvas: on a busy machine that takes more than a second.
const PAGE_LOAD = { timeout: 5_000 };

const specs = {
  load: spec("load", "Load data", 0, {
    parameters: [
      { name: "url", parameter_type: "str", value: "https://example.org/data.csv", widget: null },
      { name: "_cmd", parameter_type: "code", value: { value: "import pandas\nprint(1)\n", mode: "python" }, widget: null },
    ],
  }),
  train: spec("train", "Train model", 300, {
    from: "load",
    parameters: [{ name: "epochs", parameter_type: "int", value: 10, widget: { alias: "Epochs" } }],
  }),
};

function nodes(): NodeRun[] {
  return [
    nodeRun({
      id: "load",
      title: "Load data",
      status: "RESTORED",
      outputs: [{ name: "out", file_type: "csv", resource_id: "r1" }],
      restored_from: { cache_entry: 3, run: "6a2f00000000000000000001", node_id: "load" },
    }),
    nodeRun({
      id: "train",
      title: "Train model",
      status: "FAILED",
      attempt: 2,
      queued_at: "2026-11-02T10:00:01Z",
      started_at: "2026-11-02T10:00:02Z",
      finished_at: "2026-11-02T10:00:09Z",
      duration: 7,
      error: "ValueError: <bad> input",
      worker: "worker-1@host",
      outputs: [{ name: "out", file_type: "csv", resource_id: null }],
      logs: { stdout: "log1" },
    }),
  ];
}

function serve(run: Partial<RunDetail>, extra: Parameters<typeof server.use> = []) {
  server.use(
    ...extra,
    // The workflow was edited after the run: the run's own frozen documents are read.
    http.get("/api/v1/workflows/6a1f0000000000000000000a/", () =>
      HttpResponse.json({
        ...workflowSummary({ updated_at: "2026-11-03T09:00:00Z" }),
        nodes: [{ ...specs.load, title: "Load data (edited later)" }],
      }),
    ),
    // The run the restored node's outputs came from.
    http.get("/api/v1/runs/6a2f00000000000000000001/nodes/load/", () =>
      HttpResponse.json({ ...nodeRun({ id: "load", status: "SUCCESS", attempt: 1 }), spec: specs.load, downstream: [], inputs_resolved: {}, cache_key_parts: {} }),
    ),
    http.get("/api/v1/runs/6a2f00000000000000000001/nodes/load/logs/:name/", () => HttpResponse.json(logChunk())),
    // The canvas shows a thumbnail of the outputs it can.
    http.get("/api/v1/resources/r1/preview/", () => HttpResponse.json({ kind: "text", text: "a,b\n1,2\n", truncated: false })),
    ...runHandlers({
      run: () => runDetail({ status: "FAILED", finished_at: "2026-11-02T10:00:10Z", node_counts: { RESTORED: 1, FAILED: 1 }, ...run }),
      nodes,
      specs,
      attempts: [
        attempt({ attempt: 1, outcome: "LOST", error: "worker lost" }),
        attempt({ attempt: 2, outcome: "FAILED", error: "ValueError" }),
      ],
      log: (name) =>
        logChunk({ text: name === "stdout" ? "loading <script>alert(1)</script>\nepoch 1\n" : "", offset: 44, size: 44, attempt: 2 }),
    }),
  );
}

async function nodeElement(id: string): Promise<HTMLElement> {
  await waitFor(() => expect(document.querySelector(`[data-testid="node"][data-node-id="${id}"]`)).not.toBeNull(), PAGE_LOAD);
  return document.querySelector<HTMLElement>(`[data-testid="node"][data-node-id="${id}"]`)!;
}

describe("the run page", () => {
  test("shows the run's header and its frozen graph with every node's state", async () => {
    serve({});
    renderApp(`/runs/${RUN_ID}`);

    expect(await screen.findByRole("heading", { name: /Word count/ }, PAGE_LOAD)).toBeInTheDocument();
    expect(screen.getByText("alice")).toBeInTheDocument();
    expect(document.title).toBe("Word count (failed) · PLynx");
    expect(screen.getByRole("link", { name: "Open the workflow" })).toHaveAttribute("href", "/workflows/6a1f0000000000000000000a");
    expect(screen.getByRole("img", { name: "Nodes: 1 restored, 1 failed" })).toBeInTheDocument();

    expect(await nodeElement("load")).toHaveAttribute("data-status", "RESTORED");
    expect(await nodeElement("train")).toHaveAttribute("data-status", "FAILED");
    expect(await nodeElement("train")).toHaveAttribute("aria-label", "Train model");
    // A failed run: re-run from the failure, run again, clone; nothing to cancel.
    expect(screen.getByRole("button", { name: "Re-run failed" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Run again" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Clone" })).toBeEnabled();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  });

  test("the frozen graph is read in one request, never node by node nor from the workflow", async () => {
    const extraReads: string[] = [];
    serve({}, [
      http.get("/api/v1/workflows/6a1f0000000000000000000a/", () => {
        extraReads.push("workflow");
        return HttpResponse.json({ detail: "not expected" }, { status: 500 });
      }),
      http.get(`/api/v1/runs/${RUN_ID}/nodes/:nodeId/`, ({ params }) => {
        extraReads.push(String(params.nodeId));
        return HttpResponse.json({ detail: "not expected" }, { status: 500 });
      }),
    ]);
    renderApp(`/runs/${RUN_ID}`);

    expect(await nodeElement("load")).toHaveAttribute("aria-label", "Load data");
    expect(await nodeElement("train")).toHaveAttribute("data-status", "FAILED");
    expect(extraReads).toEqual([]);
  });

  test("a run of an edited workflow shows the graph as it ran, not as it is now", async () => {
    serve({});
    renderApp(`/runs/${RUN_ID}`);
    expect(await nodeElement("load")).toHaveAttribute("aria-label", "Load data");
    expect(screen.queryByText("Load data (edited later)")).toBeNull();
  });

  test("clicking a node opens its details: state, attempts, parameters, outputs and log as text", async () => {
    serve({});
    renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await nodeElement("train"));
    const details = await screen.findByRole("complementary", { name: "Node details" }, PAGE_LOAD);
    expect(within(details).getByRole("heading", { name: "Train model" })).toBeInTheDocument();
    expect(within(details).getByText("ValueError: <bad> input")).toBeInTheDocument();
    expect(within(details).getByText("7.0 s", { selector: "dd" })).toBeInTheDocument();
    expect(within(details).getByText("worker-1@host", { selector: "dd" })).toBeInTheDocument();

    const attempts = await within(details).findByRole("table");
    expect(within(attempts).getByText("lost")).toBeInTheDocument();
    expect(within(attempts).getAllByRole("row")).toHaveLength(3);

    expect(within(details).getByText("Epochs")).toBeInTheDocument();
    expect(within(details).getByText("10")).toBeInTheDocument();

    const preview = within(details).getByRole("region", { name: "Preview" });
    expect(within(preview).getByText("The node did not produce this output.")).toBeInTheDocument();

    const log = within(details).getByRole("region", { name: "Log" });
    const text = await within(log).findByText(/epoch 1/);
    expect(text.textContent).toBe("loading <script>alert(1)</script>\nepoch 1\n");
    expect(log.querySelector("script")).toBeNull();
    expect(within(log).getByRole("link", { name: "Download" })).toHaveAttribute("href", "/api/v1/resources/log1/download/");
    expect(within(log).getByRole("tab", { name: "stdout" })).toHaveAttribute("aria-selected", "true");

    fireEvent.click(within(log).getByRole("tab", { name: "stderr" }));
    expect(await within(log).findByText("Nothing was written.")).toBeInTheDocument();

    // The input's source opens the node that fed it.
    fireEvent.click(within(details).getByRole("button", { name: "Load data · out" }));
    expect(await screen.findByRole("heading", { name: "Load data" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Close node details" }));
    expect(screen.queryByRole("complementary", { name: "Node details" })).toBeNull();
  });

  test("a node named in the address opens directly; a restored node links to the run it came from", async () => {
    const origin = "6a2f00000000000000000001";
    serve({});
    server.use(
      http.get("/api/v1/resources/r1/preview/", () =>
        HttpResponse.json({ kind: "table", columns: ["a", "b"], rows: [["1", "x, y"]], truncated: false }),
      ),
      // The node that made the restored outputs, in the run it ran in, and its log.
      http.get(`/api/v1/runs/${origin}/nodes/load/`, () =>
        HttpResponse.json({
          ...nodeRun({ id: "load", status: "SUCCESS", attempt: 1, logs: { stdout: "origin-log" } }),
          spec: specs.load,
          downstream: [],
          inputs_resolved: {},
          cache_key_parts: {},
        }),
      ),
      http.get(`/api/v1/runs/${origin}/nodes/load/logs/stdout/`, () =>
        HttpResponse.json(logChunk({ text: "downloaded 3 rows\n", offset: 18, size: 18 })),
      ),
    );
    renderApp(`/runs/${RUN_ID}?node=load`);

    const details = await screen.findByRole("complementary", { name: "Node details" }, PAGE_LOAD);
    expect(within(details).getByRole("link", { name: "an earlier run" })).toHaveAttribute(
      "href",
      "/runs/6a2f00000000000000000001?node=load",
    );
    expect(within(details).getByText("https://example.org/data.csv")).toBeInTheDocument();
    expect(within(details).getByText("import pandas (3 lines)")).toBeInTheDocument();
    const preview = within(details).getByRole("region", { name: "Preview" });
    const table = await within(preview).findByRole("table");
    expect(within(table).getByText("x, y")).toBeInTheDocument();

    // Restored from the cache: the logs are those of the run that made the outputs.
    const log = within(details).getByRole("region", { name: "Log" });
    expect(await within(log).findByText("downloaded 3 rows")).toBeInTheDocument();
    expect(within(details).getByText(/these are the logs of the run that made them/)).toBeInTheDocument();
    expect(within(log).getByRole("link", { name: "Download" })).toHaveAttribute("href", "/api/v1/resources/origin-log/download/");
  });

  test("the failed nodes are named above the graph; opening one shows its stderr first", async () => {
    serve({}, [
      http.get(`/api/v1/runs/${RUN_ID}/nodes/`, () => {
        const [load, train] = nodes();
        const failed = { ...train!, logs: { stdout: "log1", stderr: "log2" } };
        return HttpResponse.json({ count: 2, next: null, previous: null, results: [load, failed] });
      }),
      http.get(`/api/v1/runs/${RUN_ID}/nodes/train/logs/stderr/`, () =>
        HttpResponse.json(logChunk({ text: "Traceback: ValueError\n", offset: 22, size: 22, attempt: 2 })),
      ),
    ]);
    renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await screen.findByRole("button", { name: "Train model" }, PAGE_LOAD));
    const details = await screen.findByRole("complementary", { name: "Node details" }, PAGE_LOAD);
    const log = within(details).getByRole("region", { name: "Log" });
    expect(within(log).getByRole("tab", { name: "stderr" })).toHaveAttribute("aria-selected", "true");
    expect(await within(log).findByText("Traceback: ValueError")).toBeInTheDocument();
  });

  test("Re-run failed asks the server for a new run and opens it", async () => {
    let posted = 0;
    serve({}, [
      http.post(`/api/v1/runs/${RUN_ID}/rerun_failed/`, () => {
        posted += 1;
        return HttpResponse.json(runDetail({ id: NEW_RUN_ID, status: "READY" }), { status: 201 });
      }),
      http.get(`/api/v1/runs/${NEW_RUN_ID}/`, () => HttpResponse.json(runDetail({ id: NEW_RUN_ID, title: "Second try", status: "READY" }))),
      http.get(`/api/v1/runs/${NEW_RUN_ID}/nodes/`, () => HttpResponse.json({ count: 0, next: null, previous: null, results: [] })),
    ]);
    const { router } = renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await screen.findByRole("button", { name: "Re-run failed" }, PAGE_LOAD));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/runs/${NEW_RUN_ID}`), PAGE_LOAD);
    expect(posted).toBe(1);
    expect(await screen.findByRole("heading", { name: /Second try/ }, PAGE_LOAD)).toBeInTheDocument();
  });

  test("Cancel asks the server to stop a running run and says so", async () => {
    let posted = 0;
    serve({ status: "RUNNING", finished_at: null, node_counts: { RUNNING: 2 } }, [
      http.post(`/api/v1/runs/${RUN_ID}/cancel/`, () => {
        posted += 1;
        return HttpResponse.json(runDetail({ status: "RUNNING", cancel_requested_at: "2026-11-02T10:00:05Z" }));
      }),
    ]);
    renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }, PAGE_LOAD));
    expect(await screen.findByText("Cancel requested: running nodes are being stopped.")).toBeInTheDocument();
    expect(posted).toBe(1);
    expect(screen.queryByRole("button", { name: "Re-run failed" })).toBeNull();
  });

  test("Clone makes a workflow of the run and opens it; a refusal is said in an alert", async () => {
    server.use(
      http.get("/api/v1/workflows/6a1f00000000000000000099/", () => HttpResponse.json({ detail: "Not found." }, { status: 404 })),
    );
    let refuse = true;
    serve({}, [
      http.post(`/api/v1/runs/${RUN_ID}/clone/`, () =>
        refuse
          ? HttpResponse.json({ detail: "this is the run of a composite operation" }, { status: 409 })
          : HttpResponse.json({ workflow: "6a1f00000000000000000099" }, { status: 201 }),
      ),
    ]);
    const { router } = renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await screen.findByRole("button", { name: "Clone" }, PAGE_LOAD));
    expect(await screen.findByRole("alert")).toHaveTextContent("this is the run of a composite operation");
    refuse = false;
    fireEvent.click(screen.getByRole("button", { name: "Clone" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/workflows/6a1f00000000000000000099"), PAGE_LOAD);
  });

  test("Run again starts the workflow anew; a run whose workflow is gone still shows its graph", async () => {
    let started: unknown = null;
    serve({ status: "SUCCESS", node_counts: { SUCCESS: 2 } }, [
      http.post("/api/v1/runs/", async ({ request }) => {
        started = await request.json();
        return HttpResponse.json(runDetail({ id: NEW_RUN_ID, status: "READY" }), { status: 201 });
      }),
      http.get(`/api/v1/runs/${NEW_RUN_ID}/`, () => HttpResponse.json(runDetail({ id: NEW_RUN_ID, workflow: null, status: "SUCCESS" }))),
      http.get(`/api/v1/runs/${NEW_RUN_ID}/nodes/`, ({ request }) => {
        const documents = new URL(request.url).searchParams.get("documents") === "true";
        const node = { ...nodeRun({ id: "load", status: "SUCCESS" }), ...(documents ? { spec: specs.load } : {}) };
        return HttpResponse.json({ count: 1, next: null, previous: null, results: [node] });
      }),
    ]);
    const { router } = renderApp(`/runs/${RUN_ID}`);

    fireEvent.click(await screen.findByRole("button", { name: "Run again" }, PAGE_LOAD));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/runs/${NEW_RUN_ID}`), PAGE_LOAD);
    expect(started).toEqual({ workflow: "6a1f0000000000000000000a" });

    // This run's workflow was deleted: the frozen graph is drawn, running it again is not offered.
    expect(await screen.findByText("deleted")).toBeInTheDocument();
    expect(await nodeElement("load")).toHaveAttribute("data-status", "SUCCESS");
    expect(screen.getByRole("button", { name: "Run again" })).toBeDisabled();
  });

  test("a poll the server cannot answer keeps the page, says so, and the next poll recovers", async () => {
    let reads = 0;
    serve({}, [
      http.get(`/api/v1/runs/${RUN_ID}/`, () => {
        reads += 1;
        if (reads === 2) return HttpResponse.json({ detail: "Service unavailable" }, { status: 503 });
        return HttpResponse.json(runDetail({ status: reads === 1 ? "RUNNING" : "SUCCESS", node_counts: { SUCCESS: 2 } }));
      }),
    ]);
    renderApp(`/runs/${RUN_ID}`);

    expect(await screen.findByRole("heading", { name: /Word count/ }, PAGE_LOAD)).toBeInTheDocument();
    expect(await screen.findByText(/The latest state could not be read \(Service unavailable\)/, {}, PAGE_LOAD)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /Word count/ })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText(/The latest state could not be read/)).toBeNull(), PAGE_LOAD);
    expect(screen.getByRole("heading", { name: /success/ })).toBeInTheDocument();
  });

  test("a missing run is reported", async () => {
    const missing = () => HttpResponse.json({ detail: "No Run matches the given query." }, { status: 404 });
    server.use(http.get(`/api/v1/runs/${RUN_ID}/`, missing), http.get(`/api/v1/runs/${RUN_ID}/nodes/`, missing));
    renderApp(`/runs/${RUN_ID}`);
    expect(await screen.findByRole("alert", {}, PAGE_LOAD)).toHaveTextContent("No Run matches the given query.");
  });
});
