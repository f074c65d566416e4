import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { parameter } from "../graph/testing";
import type { Parameter } from "../graph/types";
import { WorkflowParametersPanel } from "./WorkflowParametersPanel";

function Harness({ initial, changes, renames, readOnly = false }: { initial: Parameter[]; changes: (p: Parameter[]) => void; renames: (from: string, to: string | null) => void; readOnly?: boolean }) {
  const [parameters, setParameters] = useState(initial);
  return (
    <WorkflowParametersPanel
      parameters={parameters}
      readOnly={readOnly}
      onRename={renames}
      onChange={(next) => {
        changes(next);
        setParameters(next);
      }}
    />
  );
}

function setup(initial: Parameter[], readOnly = false) {
  const changes = vi.fn<(p: Parameter[]) => void>();
  const renames = vi.fn();
  render(<Harness initial={initial} changes={changes} renames={renames} readOnly={readOnly} />);
  const last = () => changes.mock.calls[changes.mock.calls.length - 1][0];
  return { changes, renames, last, user: userEvent.setup(), panel: screen.getByRole("region", { name: "Workflow parameters" }) };
}

// Typing with user-event is slow on a busy machine: a generous timeout keeps these honest tests from flaking.
describe("WorkflowParametersPanel", { timeout: 20_000 }, () => {
  it("adds a parameter of the chosen type with that type's default value", async () => {
    const { last, user } = setup([]);
    await user.type(screen.getByLabelText("Name"), "threshold");
    await user.selectOptions(screen.getByLabelText("Type"), "float");
    await user.click(screen.getByRole("button", { name: "Add parameter" }));
    expect(last()).toEqual([
      expect.objectContaining({ name: "threshold", parameter_type: "float", value: 0, reference: null }),
    ]);
    expect(screen.getByLabelText("threshold")).toHaveValue("0");
    expect(screen.getByLabelText("Name")).toHaveValue("");
  });

  it("refuses a duplicate or invalid name with a message and adds nothing", async () => {
    const { changes, user } = setup([parameter("seed", "int", 1)]);
    await user.type(screen.getByLabelText("Name"), "seed");
    await user.click(screen.getByRole("button", { name: "Add parameter" }));
    expect(screen.getByRole("alert")).toHaveTextContent('There is already a parameter named "seed".');
    await user.clear(screen.getByLabelText("Name"));
    await user.type(screen.getByLabelText("Name"), "a value");
    await user.click(screen.getByRole("button", { name: "Add parameter" }));
    expect(screen.getByRole("alert")).toHaveTextContent('"a value" is not a valid name: use up to 64 letters, digits, _, . and -, starting with a letter, digit or _.');
    await user.clear(screen.getByLabelText("Name"));
    await user.click(screen.getByRole("button", { name: "Add parameter" }));
    expect(screen.getByRole("alert")).toHaveTextContent("A parameter needs a name.");
    expect(changes).not.toHaveBeenCalled();
  });

  it("edits a value", async () => {
    const { last, user } = setup([parameter("seed", "int", 1)]);
    const field = screen.getByLabelText("seed");
    await user.clear(field);
    await user.type(field, "42");
    expect(last()[0].value).toBe(42);
  });

  it("renames, refusing a name already taken, and tells who links to it", async () => {
    const { last, renames, changes, user } = setup([parameter("a", "str", "x"), parameter("b", "str", "y")]);
    const rows = screen.getAllByRole("listitem");
    await user.click(within(rows[0]).getByRole("button", { name: "Rename" }));
    const name = screen.getByLabelText("New name");
    await user.clear(name);
    await user.type(name, "b{enter}");
    expect(screen.getByRole("alert")).toHaveTextContent('There is already a parameter named "b".');
    expect(changes).not.toHaveBeenCalled();
    await user.clear(name);
    await user.type(name, "alpha");
    await user.click(screen.getByRole("button", { name: "Save name" }));
    expect(last().map((p) => p.name)).toEqual(["alpha", "b"]);
    expect(last()[0].value).toBe("x");
    expect(renames).toHaveBeenCalledWith("a", "alpha");
    expect(screen.getByLabelText("alpha")).toHaveValue("x");
  });

  it("removes a parameter", async () => {
    const { last, renames, user } = setup([parameter("a", "str", "x"), parameter("b", "bool", true)]);
    await user.click(within(screen.getAllByRole("listitem")[1]).getByRole("button", { name: "Remove" }));
    expect(last().map((p) => p.name)).toEqual(["a"]);
    expect(renames).toHaveBeenCalledWith("b", null);
  });

  it("read-only: values are shown, nothing can be changed", () => {
    const { panel } = setup([parameter("a", "str", "x")], true);
    expect(screen.getByLabelText("a")).toBeDisabled();
    expect(within(panel).queryByRole("button")).toBeNull();
    expect(screen.queryByLabelText("Name")).toBeNull();
  });
});
