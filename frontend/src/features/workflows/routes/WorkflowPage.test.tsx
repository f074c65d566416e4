import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeAll, describe, expect, test } from "vitest";

import { workflowSummary } from "@/testing/data";
import { mockReactFlowEnvironment } from "@/testing/react-flow";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

beforeAll(mockReactFlowEnvironment);

function node(id: string, title: string, x: number, y: number, links: Record<string, [string, string][]> = {}) {
  return {
    _id: id,
    kind: "python",
    title,
    description: "",
    inputs: Object.entries(links).map(([name, values]) => ({
      name,
      file_types: ["csv"],
      values: values.map(([nodeId, outputId]) => ({ node_id: nodeId, output_id: outputId })),
    })),
    outputs: [{ name: "out", file_type: "csv" }],
    parameters: [],
    logs: [],
    x,
    y,
  };
}

describe("the workflow page", () => {
  // The edges need measured handles, which jsdom cannot give: the converters' tests cover them
  // (features/editor/graph), a real browser draws them.
  test("draws the saved graph read-only, each node at its saved place", async () => {
    server.use(
      http.get("/api/v1/workflows/w1/", () =>
        HttpResponse.json({
          ...workflowSummary({ id: "w1", title: "Train and evaluate" }),
          nodes: [
            node("a", "Load <b>CSV</b>", 0, 100),
            node("b", "Split", 260, 40, { data: [["a", "out"]] }),
            node("c", "Join", 520, 100, { left: [["a", "out"]], right: [["b", "out"]] }),
          ],
        }),
      ),
    );

    const { container } = renderApp("/workflows/w1");

    expect(await screen.findByRole("heading", { name: "Train and evaluate" })).toBeInTheDocument();
    const canvas = await screen.findByTestId("workflow-canvas");
    expect(await within(canvas).findByText("Load <b>CSV</b>")).toBeInTheDocument();
    expect(screen.getByText("Read-only view")).toBeInTheDocument();
    expect(screen.getByText(/3 nodes/)).toBeInTheDocument();

    const nodes = container.querySelectorAll<HTMLElement>(".react-flow__node");
    expect([...nodes].map((element) => [element.dataset.id, element.style.transform])).toEqual([
      ["a", "translate(0px,100px)"],
      ["b", "translate(260px,40px)"],
      ["c", "translate(520px,100px)"],
    ]);
    expect(container.querySelector("b")).toBeNull();
  });

  test("says when the workflow cannot be found", async () => {
    server.use(http.get("/api/v1/workflows/nope/", () => HttpResponse.json({ detail: "No Workflow matches the given query." }, { status: 404 })));

    renderApp("/workflows/nope");

    expect(await screen.findByRole("alert")).toHaveTextContent("No Workflow matches the given query. (404)");
  });
});
