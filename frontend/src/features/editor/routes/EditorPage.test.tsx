import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { beforeAll, describe, expect, test } from "vitest";

import type { Workflow } from "@/lib/api/types";
import { mockReactFlowEnvironment } from "@/testing/react-flow";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import type { NodeDoc } from "../graph/types";
import { WORKFLOW_ID, editorHandlers, loadNode, trainNode, workflow } from "../testing/fixtures";

beforeAll(() => {
  mockReactFlowEnvironment();
  // Measured asynchronously, as in a browser: React Flow then knows where each port is, so a
  // wire can be dragged from one to another.
  const Observer = globalThis.ResizeObserver;
  globalThis.ResizeObserver = class extends Observer {
    private readonly later: ResizeObserverCallback;
    constructor(callback: ResizeObserverCallback) {
      super(() => undefined);
      this.later = callback;
    }
    override observe(target: Element) {
      setTimeout(() => this.later([{ target } as ResizeObserverEntry], this));
    }
  };
});

// jsdom cannot measure, so React Flow keeps nodes visibility-hidden: find them by their attributes.
function canvasNodes(): HTMLElement[] {
  return screen.queryAllByTestId("node");
}

function canvasNode(title: string): HTMLElement {
  const found = canvasNodes().find((element) => element.getAttribute("aria-label") === title);
  if (!found) throw new Error(`no node titled ${title}`);
  return found;
}

async function openEditor(current: Workflow = workflow()) {
  server.use(...editorHandlers(current));
  const rendered = renderApp(`/workflows/${current.id}`);
  // The first test also waits for the lazily loaded page.
  await waitFor(() => expect(canvasNodes().length).toBe(current.nodes?.length ?? 0), { timeout: 5_000 });
  return rendered;
}

/** Record the bodies of PUTs of the workflow. */
function recordSaves(): { body: { title: string; nodes: NodeDoc[] } }[] {
  const saves: { body: { title: string; nodes: NodeDoc[] } }[] = [];
  server.use(
    http.put(`/api/v1/workflows/${WORKFLOW_ID}/`, async ({ request }) => {
      const body = (await request.json()) as { title: string; nodes: NodeDoc[] };
      saves.push({ body });
      return HttpResponse.json(workflow({ title: body.title, nodes: body.nodes as unknown as Workflow["nodes"] }));
    }),
    http.post(`/api/v1/workflows/${WORKFLOW_ID}/validate/`, () => HttpResponse.json({ valid: true, validation_error: null })),
  );
  return saves;
}

async function selectNode(title: string) {
  fireEvent.click(canvasNode(title));
  await waitFor(() => expect(canvasNode(title).closest(".react-flow__node")).toHaveClass("selected"));
}

describe("the workflow editor", () => {
  test("loads the workflow and draws its nodes with their ports", async () => {
    await openEditor();
    expect(screen.getByLabelText("Workflow title")).toHaveValue("Train a model");
    expect(canvasNodes().map((element) => element.dataset.nodeId)).toEqual([loadNode._id, trainNode._id]);
    expect(canvasNode("Train").querySelector('[data-handleid="data"]')).not.toBeNull();
    expect(screen.getByText("All changes saved")).toBeInTheDocument();
    expect(screen.queryByText("Unsaved changes")).toBeNull();
  });

  test("the catalog groups operations and its search filters them", async () => {
    await openEditor();
    const catalog = screen.getByRole("complementary", { name: "Operations catalog" });
    const python = await within(catalog).findByRole("group", { name: "Python" });
    expect(within(python).getAllByRole("option").map((option) => option.textContent)).toEqual([
      expect.stringContaining("Plot histogram"),
      expect.stringContaining("Read CSV"),
    ]);
    await userEvent.type(within(catalog).getByLabelText("Search operations"), "table");
    // "Reads a table" is Read CSV's description; nothing else mentions a table.
    expect(within(catalog).getAllByRole("option").map((option) => option.textContent)).toEqual([
      expect.stringContaining("Read CSV"),
    ]);
    await userEvent.clear(within(catalog).getByLabelText("Search operations"));
    await userEvent.type(within(catalog).getByLabelText("Search operations"), "nothing like it");
    expect(within(catalog).queryAllByRole("option")).toHaveLength(0);
    expect(within(catalog).getByText('No operation matches "nothing like it".')).toBeInTheDocument();
  });

  test("arrow keys and Enter add the highlighted operation to the canvas", async () => {
    await openEditor();
    const catalog = screen.getByRole("complementary", { name: "Operations catalog" });
    const search = within(catalog).getByLabelText("Search operations");
    await within(catalog).findAllByRole("option");
    await userEvent.click(search);
    await userEvent.keyboard("{ArrowDown}{ArrowDown}");
    // Python: Plot histogram, Read CSV; then Bash: Echo.
    expect(within(catalog).getByRole("option", { selected: true })).toHaveTextContent("Echo");
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(canvasNodes()).toHaveLength(3));
    expect(canvasNode("Echo")).toBeInTheDocument();
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  });

  test("Save sends the edited nodes with PUT and clears the dirty indicator", async () => {
    const saves = recordSaves();
    await openEditor();
    const title = screen.getByLabelText("Workflow title");
    await userEvent.clear(title);
    await userEvent.type(title, "Train twice");
    const epochs = within(canvasNode("Train")).getByLabelText("epochs value");
    await userEvent.clear(epochs);
    await userEvent.type(epochs, "7{Enter}");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByText("Unsaved changes")).toBeNull());
    expect(saves).toHaveLength(1);
    const sent = saves[0].body;
    expect(sent.title).toBe("Train twice");
    expect(sent.nodes.map((node) => node._id)).toEqual([loadNode._id, trainNode._id]);
    expect(sent.nodes[1].inputs.find((input) => input.name === "epochs")?.values).toEqual([{ value: 7 }]);
    expect(sent.nodes[1].inputs.find((input) => input.name === "data")?.values).toEqual([{ node_id: loadNode._id, output_id: "table" }]);
    expect(await screen.findByRole("status")).toHaveTextContent("Saved.");
  });

  test("Ctrl+S saves too", async () => {
    const saves = recordSaves();
    await openEditor();
    await selectNode("Load data");
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(canvasNodes()).toHaveLength(1));
    await userEvent.keyboard("{Control>}s{/Control}");
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0].body.nodes.map((node) => node.title)).toEqual(["Train"]);
    // The link from the deleted node went with it.
    expect(saves[0].body.nodes[0].inputs[0].values).toEqual([]);
  });

  test("undo and redo, by button and by keyboard, and back to clean", async () => {
    await openEditor();
    const undo = screen.getByRole("button", { name: "Undo" });
    const redo = screen.getByRole("button", { name: "Redo" });
    expect(undo).toBeDisabled();
    await selectNode("Train");
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(canvasNodes()).toHaveLength(1));
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();

    await userEvent.click(undo);
    await waitFor(() => expect(canvasNodes()).toHaveLength(2));
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    await userEvent.click(redo);
    await waitFor(() => expect(canvasNodes()).toHaveLength(1));

    await userEvent.keyboard("{Control>}z{/Control}");
    await waitFor(() => expect(canvasNodes()).toHaveLength(2));
    await userEvent.keyboard("{Control>}{Shift>}z{/Shift}{/Control}");
    await waitFor(() => expect(canvasNodes()).toHaveLength(1));
    await userEvent.keyboard("{Control>}z{/Control}");
    await waitFor(() => expect(canvasNodes()).toHaveLength(2));
    await userEvent.keyboard("{Control>}y{/Control}");
    await waitFor(() => expect(canvasNodes()).toHaveLength(1));
  });

  test("a refused connection says why in an alert", async () => {
    const current = workflow({
      nodes: [loadNode, { ...trainNode, inputs: trainNode.inputs.map((input) => (input.name === "data" ? { ...input, values: [] } : input)) }] as unknown as Workflow["nodes"],
    });
    await openEditor(current);
    // Drag a wire from the csv output onto the txt input: React Flow asks isValidConnection, which refuses.
    const from = canvasNode("Load data").querySelector('.react-flow__handle[data-handleid="table"]') as HTMLElement;
    const to = canvasNode("Train").querySelector('.react-flow__handle[data-handleid="notes"]') as HTMLElement;
    const originalElementFromPoint = document.elementFromPoint;
    document.elementFromPoint = () => to;
    try {
      fireEvent.mouseDown(from, { button: 0, clientX: 10, clientY: 10 });
      fireEvent.mouseMove(document, { clientX: 200, clientY: 10 });
      fireEvent.mouseUp(document, { clientX: 200, clientY: 10 });
    } finally {
      document.elementFromPoint = originalElementFromPoint;
    }
    expect(await screen.findByRole("alert")).toHaveTextContent(
      'Output "table" of "Load data" is csv, but input "notes" of "Train" takes txt.',
    );
    expect(screen.queryByText("Unsaved changes")).toBeNull();
  });

  test("a wire dropped on empty canvas offers the operations that fit and connects the one picked", async () => {
    const saves = recordSaves();
    await openEditor();
    // Wait for the catalog: the menu offers its operations.
    await within(screen.getByRole("complementary", { name: "Operations catalog" })).findAllByRole("option");
    const from = canvasNode("Load data").querySelector('.react-flow__handle[data-handleid="table"]') as HTMLElement;
    const pane = document.querySelector(".react-flow__pane") as HTMLElement;
    const originalElementFromPoint = document.elementFromPoint;
    document.elementFromPoint = () => pane;
    try {
      fireEvent.mouseDown(from, { button: 0, clientX: 10, clientY: 10 });
      fireEvent.mouseMove(document, { clientX: 400, clientY: 300 });
      fireEvent.mouseUp(document, { clientX: 400, clientY: 300 });
    } finally {
      document.elementFromPoint = originalElementFromPoint;
    }
    const menu = await screen.findByRole("menu", { name: 'Operations that fit output "table" (csv)' });
    // Only Plot histogram takes a csv input; Read CSV and Echo do not.
    expect(within(menu).getAllByRole("menuitem").map((item) => item.textContent)).toEqual(["Plot histogram · table"]);
    await userEvent.click(within(menu).getByRole("menuitem"));
    await waitFor(() => expect(canvasNodes()).toHaveLength(3));
    expect(screen.queryByRole("menu")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves).toHaveLength(1));
    const plot = saves[0].body.nodes.find((node) => node.title === "Plot histogram");
    expect(plot?.original_node_id).toBe("6a1f000000000000000000c2");
    expect(plot?.inputs[0].values).toEqual([{ node_id: loadNode._id, output_id: "table" }]);
  });

  test("someone else's workflow is read-only, says why, and clones to edit", async () => {
    const theirs = workflow({ readonly: true, author_name: "bob" } as Partial<Workflow>);
    const copy = workflow({ id: "6a1f00000000000000000002", author_name: "default", parent_node: WORKFLOW_ID } as Partial<Workflow>);
    server.use(
      ...editorHandlers(copy),
      http.post(`/api/v1/workflows/${WORKFLOW_ID}/clone/`, () => HttpResponse.json(copy, { status: 201 })),
    );
    const { router } = await openEditor(theirs);
    expect(screen.getByText("You are viewing bob's workflow. Clone it to make changes.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    expect(screen.queryByRole("complementary", { name: "Operations catalog" })).toBeNull();
    expect(screen.queryByLabelText("Workflow title")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Clone to edit" }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/workflows/${copy.id}`));
    expect(await screen.findByLabelText("Workflow title")).toHaveValue("Train a model");
    expect(screen.queryByText(/You are viewing/)).toBeNull();
  });

  test("warns before leaving with unsaved changes", async () => {
    const { router } = await openEditor();
    await selectNode("Train");
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await userEvent.click(screen.getByRole("link", { name: "← Workflows" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Unsaved changes" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Stay" }));
    expect(router.state.location.pathname).toBe(`/workflows/${WORKFLOW_ID}`);
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "← Workflows" }));
    await userEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Leave without saving" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/workflows"));
  });

  test("problems are listed; clicking one selects its node", async () => {
    const current = workflow({
      nodes: [loadNode, { ...trainNode, inputs: trainNode.inputs.map((input) => (input.name === "data" ? { ...input, values: [] } : input)) }] as unknown as Workflow["nodes"],
    });
    await openEditor(current);
    const problems = screen.getByRole("complementary", { name: "Problems" });
    const problem = within(problems).getByRole("button", { name: 'Input "data" of "Train" needs at least 1 connection, has 0.' });
    expect(canvasNode("Train")).toHaveClass("has-problem");
    expect(canvasNode("Load data")).not.toHaveClass("has-problem");
    await userEvent.click(problem);
    await waitFor(() => expect(canvasNode("Train").closest(".react-flow__node")).toHaveClass("selected"));
    expect(canvasNode("Load data").closest(".react-flow__node")).not.toHaveClass("selected");
  });

  test("Run saves first, then starts a run and opens it", async () => {
    const saves = recordSaves();
    const runId = "6a1f0000000000000000aaaa";
    server.use(
      http.post(`/api/v1/workflows/${WORKFLOW_ID}/run/`, () => HttpResponse.json({ run_id: runId, status: "READY" }, { status: 201 })),
      // What the run page that opens reads.
      http.get(`/api/v1/runs/${runId}/`, () => HttpResponse.json({ id: runId, title: "Train a model", status: "READY", graph: { nodes: [] } })),
      http.get(`/api/v1/runs/${runId}/nodes/`, () => HttpResponse.json({ count: 0, next: null, previous: null, results: [] })),
    );
    const { router } = await openEditor();
    await selectNode("Load data");
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await userEvent.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/runs/${runId}`));
    expect(saves).toHaveLength(1);
  });

  test("in auto-run mode a save starts a run whose node states show on the canvas", async () => {
    recordSaves();
    const runId = "6a1f0000000000000000bbbb";
    server.use(
      http.post(`/api/v1/workflows/${WORKFLOW_ID}/run/`, () => HttpResponse.json({ run_id: runId, status: "READY" }, { status: 201 })),
      http.get(`/api/v1/runs/${runId}/`, () => HttpResponse.json({ id: runId, status: "SUCCESS" })),
      http.get(`/api/v1/runs/${runId}/nodes/`, () =>
        HttpResponse.json({
          count: 2,
          next: null,
          previous: null,
          results: [
            { id: loadNode._id, status: "RESTORED", started_at: null, finished_at: null, outputs: [], logs: {} },
            { id: trainNode._id, status: "SUCCESS", started_at: "2026-11-01T10:00:00Z", finished_at: "2026-11-01T10:00:04Z", outputs: [], logs: {} },
          ],
        }),
      ),
    );
    const { router } = await openEditor();
    await userEvent.click(screen.getByLabelText("Auto-run"));
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(canvasNode("Train")).toHaveAttribute("data-status", "SUCCESS"));
    expect(canvasNode("Load data")).toHaveAttribute("data-status", "RESTORED");
    expect(within(canvasNode("Train")).getByText(/4\.0 s/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the run" })).toHaveAttribute("href", `/runs/${runId}`);
    expect(router.state.location.pathname).toBe(`/workflows/${WORKFLOW_ID}`);
  });

  test("a save the server refuses says why and stays dirty", async () => {
    server.use(
      http.put(`/api/v1/workflows/${WORKFLOW_ID}/`, () => HttpResponse.json({ nodes: ["node 3: unknown kind"] }, { status: 400 })),
    );
    await openEditor();
    await selectNode("Train");
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The workflow could not be saved: nodes: node 3: unknown kind");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  });

  test("copy and paste through the clipboard events duplicate the selection", async () => {
    await openEditor();
    await selectNode("Load data");
    let copied = "";
    const copyEvent = new Event("copy", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(copyEvent, "clipboardData", { value: { setData: (_type: string, text: string) => (copied = text) } });
    act(() => {
      document.body.dispatchEvent(copyEvent);
    });
    expect(JSON.parse(copied)).toMatchObject({ format: "plynx/nodes@1", nodes: [{ title: "Load data" }] });

    const pasteEvent = new Event("paste", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(pasteEvent, "clipboardData", { value: { getData: () => copied } });
    act(() => {
      document.body.dispatchEvent(pasteEvent);
    });
    await waitFor(() => expect(canvasNodes()).toHaveLength(3));
    const pasted = canvasNodes()[2];
    expect(pasted).toHaveAttribute("aria-label", "Load data");
    expect(pasted.dataset.nodeId).not.toBe(loadNode._id);
    expect(screen.getByRole("status")).toHaveTextContent("Pasted 1 node.");
    // Beside the original (at 0,0), and a second paste beside the first copy.
    const place = (element: HTMLElement) => (element.closest(".react-flow__node") as HTMLElement).style.transform;
    expect(place(pasted)).toBe("translate(40px,40px)");
    act(() => {
      document.body.dispatchEvent(pasteEvent);
    });
    await waitFor(() => expect(canvasNodes()).toHaveLength(4));
    expect(place(canvasNodes()[3])).toBe("translate(80px,80px)");
  });
});
