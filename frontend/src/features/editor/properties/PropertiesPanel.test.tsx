import "@/testing/codemirror";

import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { node, oid, parameter } from "../graph/testing";
import type { NodeDoc, Parameter } from "../graph/types";
import { PropertiesPanel, type PropertiesPanelProps } from "./PropertiesPanel";
import { applyWorkflowParameters } from "./values";

const A = oid(1);
const B = oid(2);
const C = oid(3);

function graph(): NodeDoc[] {
  return [
    node(A, {
      title: "Train",
      kind: "python",
      parameters: [
        parameter("epochs", "int", 10),
        parameter("rate", "float", 0.1),
        { ...parameter("cmd", "code", { value: "print('hi')", mode: "python" }), widget: null },
        { ...parameter("_timeout", "int", 600), widget: null },
      ],
    }),
    node(B, { title: "Train again", parameters: [parameter("epochs", "int", 20), parameter("rate", "float", 0.1)] }),
    node(C, { title: "Report", parameters: [parameter("epochs", "str", "x")] }),
  ];
}

/** The panel over a graph held in state, as the editor holds it; `changes` records each new graph. */
function Harness(props: Omit<PropertiesPanelProps, "graph" | "onChange"> & { changes: (nodes: NodeDoc[]) => void }) {
  const [nodes, setNodes] = useState(graph);
  const { changes, ...rest } = props;
  return (
    <PropertiesPanel
      {...rest}
      graph={nodes}
      onChange={(next) => {
        changes(next);
        setNodes(next);
      }}
    />
  );
}

function setup(props: Omit<PropertiesPanelProps, "graph" | "onChange">) {
  const changes = vi.fn<(nodes: NodeDoc[]) => void>();
  render(<Harness {...props} changes={changes} />);
  const last = () => changes.mock.calls[changes.mock.calls.length - 1][0];
  return { changes, last, user: userEvent.setup(), panel: screen.getByRole("complementary", { name: "Properties" }) };
}

const param = (nodes: NodeDoc[], id: string, name: string) =>
  nodes.find((n) => n._id === id)?.parameters.find((p) => p.name === name) as Parameter;

// Typing with user-event is slow on a busy machine: a generous timeout keeps these honest tests from flaking.
describe("PropertiesPanel", { timeout: 20_000 }, () => {
  it("asks for a selection when nothing is selected", () => {
    setup({ selectedIds: [], readOnly: false });
    expect(screen.getByText("Select a node to see and edit its properties.")).toBeInTheDocument();
  });

  it("one node: title, description and a parameter are edited", async () => {
    const { last, user } = setup({ selectedIds: [A], readOnly: false });
    expect(screen.getByText("python")).toBeInTheDocument();
    const title = screen.getByLabelText("Title");
    await user.clear(title);
    expect(screen.getByRole("alert")).toHaveTextContent("A node needs a title.");
    await user.type(title, "Fit");
    expect(last()[0].title).toBe("Fit");
    await user.type(screen.getByLabelText("Description"), "Fits the model");
    expect(last()[0].description).toBe("Fits the model");
    const epochs = screen.getByLabelText("epochs");
    await user.clear(epochs);
    await user.type(epochs, "30");
    expect(param(last(), A, "epochs").value).toBe(30);
    // The other nodes are untouched.
    expect(param(last(), B, "epochs").value).toBe(20);
  });

  it("one node: a bad value is named and the graph is not changed", async () => {
    const { changes, user } = setup({ selectedIds: [A], readOnly: false });
    const rate = screen.getByLabelText("rate");
    await user.clear(rate);
    changes.mockClear();
    await user.type(rate, "fast");
    expect(changes).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("rate: expected a finite number.");
  });

  it("one node: the platform's settings and the script are shown too", () => {
    setup({ selectedIds: [A], readOnly: false });
    expect(screen.getByLabelText("_timeout")).toHaveValue("600");
    expect(screen.getByText("Script")).toBeInTheDocument();
    expect(screen.getByLabelText("cmd")).toHaveTextContent("print('hi')");
  });

  it("several nodes: a shared parameter is edited on all of them; a mixed value says so", async () => {
    const { last, user } = setup({ selectedIds: [A, B], readOnly: false });
    expect(screen.getByText("2 nodes selected. A change applies to all of them.")).toBeInTheDocument();
    // rate is 0.1 on both; epochs differs (10 and 20); _timeout and cmd are A's only.
    expect(screen.getByLabelText("rate")).toHaveValue("0.1");
    const epochs = screen.getByLabelText("epochs");
    expect(epochs).toHaveValue("");
    expect(epochs).toHaveAttribute("placeholder", "Mixed values");
    expect(screen.getByText("mixed")).toBeInTheDocument();
    expect(screen.queryByLabelText("_timeout")).toBeNull();
    await user.type(epochs, "5");
    expect(param(last(), A, "epochs").value).toBe(5);
    expect(param(last(), B, "epochs").value).toBe(5);
    expect(screen.queryByText("mixed")).toBeNull();
  });

  it("several nodes: a parameter of another type on one node is not shared", () => {
    setup({ selectedIds: [A, C], readOnly: false });
    expect(screen.getByText("The selected nodes have no parameter in common.")).toBeInTheDocument();
  });

  it("links a parameter to a workflow parameter of the same type, which then sets its value", async () => {
    const workflowParameters = [parameter("n", "int", 99), parameter("label", "str", "x")];
    const { last, user } = setup({ selectedIds: [A], readOnly: false, workflowParameters });
    const links = screen.getAllByLabelText("Linked to");
    // Only epochs and _timeout (int) can be linked: rate is a float.
    expect(links).toHaveLength(2);
    expect(within(links[0]).getAllByRole("option").map((o) => o.textContent)).toEqual(["No workflow parameter", "n"]);
    await user.selectOptions(links[0], "n");
    expect(param(last(), A, "epochs")).toMatchObject({ reference: "n", value: 99 });
    const epochs = screen.getByLabelText("epochs");
    expect(epochs).toHaveValue("99");
    expect(epochs).toBeDisabled();
    expect(screen.getByText('Takes its value from the workflow parameter "n".')).toBeInTheDocument();
    await user.selectOptions(screen.getAllByLabelText("Linked to")[0], "");
    expect(param(last(), A, "epochs")).toMatchObject({ reference: null, value: 99 });
    expect(screen.getByLabelText("epochs")).toBeEnabled();
  });

  it("applyWorkflowParameters follows a new value, a rename and a removal", () => {
    const linked = graph().map((n) =>
      n._id === A ? { ...n, parameters: n.parameters.map((p) => (p.name === "epochs" ? { ...p, reference: "n" } : p)) } : n,
    );
    const renamed = applyWorkflowParameters(linked, [parameter("count", "int", 7)], { n: "count" });
    expect(param(renamed, A, "epochs")).toMatchObject({ reference: "count", value: 7 });
    expect(renamed[1]).toBe(linked[1]);
    const removed = applyWorkflowParameters(renamed, []);
    expect(param(removed, A, "epochs")).toMatchObject({ reference: null, value: 7 });
  });

  it("shows links to the node's outputs and logs", () => {
    setup({
      selectedIds: [A],
      readOnly: true,
      nodeLinks: () => ({ outputs: [{ name: "model", href: "/resources/r1/" }], logs: [{ name: "stdout", href: "/runs/1/logs" }] }),
    });
    expect(within(screen.getByRole("list", { name: "Outputs" })).getByRole("link", { name: "model" })).toHaveAttribute("href", "/resources/r1/");
    expect(within(screen.getByRole("list", { name: "Logs" })).getByRole("link", { name: "stdout" })).toHaveAttribute("href", "/runs/1/logs");
  });

  it("read-only: every field is disabled", () => {
    const { panel } = setup({ selectedIds: [A], readOnly: true, workflowParameters: [parameter("n", "int", 1)] });
    const controls = [...within(panel).getAllByRole("textbox"), ...within(panel).getAllByRole("combobox")];
    expect(controls.length).toBeGreaterThanOrEqual(5);
    for (const control of controls) {
      if (control.getAttribute("contenteditable")) expect(control).toHaveAttribute("contenteditable", "false");
      else expect(control).toBeDisabled();
    }
  });
});
