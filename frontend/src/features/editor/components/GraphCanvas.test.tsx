import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import type { ComponentProps } from "react";
import { beforeAll, describe, expect, test, vi } from "vitest";

import { mockReactFlowEnvironment } from "@/testing/react-flow";
import { server } from "@/testing/server";
import { testQueryClient } from "@/testing/test-utils";

import { input, link, node, oid, output } from "../graph/testing";
import type { NodeDoc } from "../graph/types";
import { GraphCanvas } from "./GraphCanvas";

beforeAll(mockReactFlowEnvironment);

const load = node(oid(1), { title: "Load", outputs: [output("table", "csv"), output("plot", "image")], x: 0, y: 0 });
const train = node(oid(2), {
  title: "Train",
  kind: "python",
  inputs: [input("data", ["csv"], [link(oid(1), "table")]), input("epochs", ["int"], [{ value: 3 }]), input("fast", ["bool"])],
  outputs: [output("model", "file")],
  x: 300,
  y: 0,
});

// jsdom cannot measure, so React Flow keeps nodes visibility-hidden: find them by their attributes.
function getNode(title: string): HTMLElement {
  const found = screen.getAllByTestId("node").find((element) => element.getAttribute("aria-label") === title);
  if (!found) throw new Error(`no node titled ${title}`);
  return found;
}

async function findNode(title: string): Promise<HTMLElement> {
  await screen.findAllByTestId("node");
  return getNode(title);
}

function renderCanvas(props: Partial<ComponentProps<typeof GraphCanvas>> = {}) {
  const nodes: NodeDoc[] = [load, train];
  return render(
    <QueryClientProvider client={testQueryClient()}>
      <div style={{ width: 800, height: 600 }}>
        <GraphCanvas nodes={nodes} readOnly={false} selectedIds={[]} {...props} />
      </div>
    </QueryClientProvider>,
  );
}

describe("GraphCanvas", () => {
  test("draws each node with its title, kind, ports and the contract's attributes", async () => {
    renderCanvas();
    const nodes = await screen.findAllByTestId("node");
    expect(nodes.map((element) => [element.dataset.nodeId, element.getAttribute("aria-label")])).toEqual([
      [oid(1), "Load"],
      [oid(2), "Train"],
    ]);
    const trainNode = getNode("Train");
    expect(within(trainNode).getByText("python")).toBeInTheDocument();
    expect(trainNode.querySelector('[data-handleid="data"]')).not.toBeNull();
    expect(getNode("Load").querySelector('[data-handleid="table"]')).not.toBeNull();
    // No run: no status.
    expect(trainNode).not.toHaveAttribute("data-status");
  });

  test("shows run states, durations and thumbnails of produced outputs", async () => {
    server.use(
      http.get("/api/v1/resources/r-table/preview/", () =>
        HttpResponse.json({ kind: "table", columns: ["a", "b"], rows: [["1", "2"]], truncated: false }),
      ),
    );
    renderCanvas({
      readOnly: true,
      statuses: {
        [oid(1)]: {
          status: "RESTORED",
          started_at: "2026-01-01T10:00:00Z",
          finished_at: "2026-01-01T10:00:02.500Z",
          outputs: { table: "r-table", plot: "r-plot" },
        },
        [oid(2)]: { status: "CANCELED" },
      },
    });
    const loadNode = await findNode("Load");
    expect(loadNode).toHaveAttribute("data-status", "RESTORED");
    expect(within(loadNode).getByText(/2\.5 s/)).toBeInTheDocument();
    expect(within(loadNode).getByAltText("Preview of plot")).toHaveAttribute(
      "src",
      "/api/v1/resources/r-plot/thumbnail/",
    );
    expect(await within(loadNode).findByLabelText("Preview of table")).toHaveTextContent("a, b 1, 2");
    expect(getNode("Train")).toHaveAttribute("data-status", "CANCELED");
  });

  test("edits an unconnected primitive input inline and reports the new documents", async () => {
    const onChange = vi.fn();
    renderCanvas({ onChange });
    const trainNode = await findNode("Train");
    const epochs = within(trainNode).getByLabelText("epochs value");
    expect(epochs).toHaveValue("3");
    await userEvent.clear(epochs);
    await userEvent.type(epochs, "12{Enter}");
    expect(onChange).toHaveBeenCalledTimes(1);
    const next = onChange.mock.calls[0][0] as NodeDoc[];
    expect(next[1].inputs[1].values).toEqual([{ value: 12 }]);

    fireEvent.click(within(trainNode).getByLabelText("fast value"));
    expect((onChange.mock.calls[1][0] as NodeDoc[])[1].inputs[2].values).toEqual([{ value: true }]);
    // A connected input has no inline editor.
    expect(within(trainNode).queryByLabelText("data value")).toBeNull();
  });

  test("refuses a value that is not of the input's type without reporting a change", async () => {
    const onChange = vi.fn();
    renderCanvas({ onChange });
    const epochs = within(await findNode("Train")).getByLabelText("epochs value");
    await userEvent.clear(epochs);
    await userEvent.type(epochs, "1.5{Enter}");
    expect(epochs).toHaveAttribute("aria-invalid", "true");
    expect(onChange).not.toHaveBeenCalled();
  });

  test("marks the nodes and ports problems name", async () => {
    renderCanvas({ problems: [{ nodeId: oid(2), port: "data", message: "Input \"data\" of \"Train\" is wrong." }] });
    const trainNode = await findNode("Train");
    expect(trainNode).toHaveClass("has-problem");
    expect(within(trainNode).getByText("data").closest("li")).toHaveClass("problem");
    expect(getNode("Load")).not.toHaveClass("has-problem");
  });

  test("read-only canvas offers no inline editing", async () => {
    renderCanvas({ readOnly: true });
    const epochs = within(await findNode("Train")).getByLabelText("epochs value");
    expect(epochs).toHaveAttribute("readonly");
  });

  test("a large graph starts without the minimap, which a button shows", async () => {
    const many = Array.from({ length: 600 }, (_, i) => node(oid(i + 1), { x: (i % 30) * 260, y: Math.floor(i / 30) * 140 }));
    const { container } = render(
      <QueryClientProvider client={testQueryClient()}>
        <GraphCanvas nodes={many} readOnly selectedIds={[]} />
      </QueryClientProvider>,
    );
    expect(container.querySelector(".react-flow__minimap")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Show minimap" }));
    expect(container.querySelector(".react-flow__minimap")).not.toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Hide minimap" }));
    expect(container.querySelector(".react-flow__minimap")).toBeNull();
  });

  test("a small graph always shows its minimap", () => {
    const { container } = renderCanvas();
    expect(container.querySelector(".react-flow__minimap")).not.toBeNull();
    expect(screen.queryByRole("button", { name: /minimap/ })).toBeNull();
  });
});
