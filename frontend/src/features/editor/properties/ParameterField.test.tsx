import "@/testing/codemirror";

import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { parameter } from "../graph/testing";
import type { ParameterType } from "../graph/types";
import { ParameterField } from "./ParameterField";

/** The field of one parameter, holding its value as the editor would; `sent` records every value sent up. */
function Harness({ type, initial, sent, ...rest }: { type: ParameterType; initial: unknown; sent: (value: unknown) => void; readOnly?: boolean; definition?: boolean }) {
  const [value, setValue] = useState(initial);
  return (
    <ParameterField
      parameter={{ ...parameter("size", type, value) }}
      onChange={(next) => {
        sent(next);
        setValue(next);
      }}
      {...rest}
    />
  );
}

function setup(type: ParameterType, initial: unknown, extra: { readOnly?: boolean; definition?: boolean } = {}) {
  const sent = vi.fn();
  render(<Harness type={type} initial={initial} sent={sent} {...extra} />);
  return { sent, user: userEvent.setup() };
}

// Typing with user-event is slow on a busy machine: a generous timeout keeps these honest tests from flaking.
describe("ParameterField", { timeout: 20_000 }, () => {
  it("labels the field with the widget alias when there is one", () => {
    render(<ParameterField parameter={{ ...parameter("n_epochs", "int", 3), widget: { alias: "Epochs" } }} onChange={() => {}} />);
    expect(screen.getByLabelText("Epochs")).toHaveValue("3");
    expect(screen.queryByLabelText("n_epochs")).toBeNull();
  });

  it("str: every text goes up", async () => {
    const { sent, user } = setup("str", "a");
    await user.type(screen.getByLabelText("size"), "bc");
    expect(sent).toHaveBeenLastCalledWith("abc");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("text: a textarea whose lines go up", async () => {
    const { sent, user } = setup("text", "");
    const field = screen.getByLabelText("size");
    expect(field.tagName).toBe("TEXTAREA");
    await user.type(field, "one{enter}two");
    expect(sent).toHaveBeenLastCalledWith("one\ntwo");
  });

  it("int: an integer goes up as a number", async () => {
    const { sent, user } = setup("int", 1);
    const field = screen.getByLabelText("size");
    await user.clear(field);
    await user.type(field, "42");
    expect(sent).toHaveBeenLastCalledWith(42);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("int: a fraction or a word is refused with the reason and not sent", async () => {
    const { sent, user } = setup("int", 7);
    const field = screen.getByLabelText("size");
    await user.clear(field);
    sent.mockClear();
    await user.type(field, "1.5");
    expect(screen.getByRole("alert")).toHaveTextContent("size: expected an integer.");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveValue("1.5");
    expect(sent).not.toHaveBeenCalledWith(1.5);
    await user.clear(field);
    await user.type(field, "ten");
    expect(sent.mock.calls.every(([value]) => Number.isInteger(value))).toBe(true);
    expect(screen.getByRole("alert")).toHaveTextContent("expected an integer");
  });

  it("int: a number too large to hold exactly is refused", async () => {
    const { sent, user } = setup("int", 0);
    const field = screen.getByLabelText("size");
    await user.clear(field);
    sent.mockClear();
    await user.type(field, "12345678901234567890");
    expect(screen.getByRole("alert")).toHaveTextContent("the integer is too large");
    expect(sent).not.toHaveBeenCalledWith(12345678901234567000);
  });

  it("float: a decimal goes up; Infinity is refused", async () => {
    const { sent, user } = setup("float", 0.5);
    const field = screen.getByLabelText("size");
    await user.clear(field);
    await user.type(field, "2.25");
    expect(sent).toHaveBeenLastCalledWith(2.25);
    sent.mockClear();
    await user.clear(field);
    await user.type(field, "Infinity");
    expect(sent).not.toHaveBeenCalledWith(Infinity);
    expect(screen.getByRole("alert")).toHaveTextContent("size: expected a finite number.");
  });

  it("bool: the checkbox sends true and false", async () => {
    const { sent, user } = setup("bool", false);
    const box = screen.getByRole("checkbox", { name: "size" });
    await user.click(box);
    expect(sent).toHaveBeenLastCalledWith(true);
    await user.click(box);
    expect(sent).toHaveBeenLastCalledWith(false);
  });

  it("enum: choosing a value sends the same values with the new index", async () => {
    const { sent, user } = setup("enum", { values: ["adam", "sgd", "rmsprop"], index: 0 });
    await user.selectOptions(screen.getByLabelText("size"), "sgd");
    expect(sent).toHaveBeenLastCalledWith({ values: ["adam", "sgd", "rmsprop"], index: 1 });
  });

  it("enum in an operation's definition: choices are edited; a duplicate is refused", async () => {
    const { sent, user } = setup("enum", { values: ["a", "b"], index: 1 }, { definition: true });
    await user.click(screen.getByRole("button", { name: "+ Add choice" }));
    expect(sent).toHaveBeenLastCalledWith({ values: ["a", "b", "choice 3"], index: 1 });
    const third = screen.getByRole("textbox", { name: "Choice 3" });
    await user.clear(third);
    sent.mockClear();
    await user.type(third, "a");
    expect(sent).not.toHaveBeenCalledWith({ values: ["a", "b", "a"], index: 1 });
    expect(screen.getByRole("alert")).toHaveTextContent("the enum lists a value twice");
    expect(third).toHaveValue("a");
    await user.clear(third);
    await user.type(third, "c");
    expect(sent).toHaveBeenLastCalledWith({ values: ["a", "b", "c"], index: 1 });
    await user.click(screen.getByRole("button", { name: "Remove choice 1" }));
    expect(sent).toHaveBeenLastCalledWith({ values: ["b", "c"], index: 1 });
  });

  it("list_str: rows are added, edited and removed", async () => {
    const { sent, user } = setup("list_str", ["x"]);
    expect(screen.getByRole("group", { name: "size" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "+ Add item" }));
    expect(sent).toHaveBeenLastCalledWith(["x", ""]);
    await user.type(screen.getByRole("textbox", { name: "Item 2" }), "y");
    expect(sent).toHaveBeenLastCalledWith(["x", "y"]);
    await user.click(screen.getByRole("button", { name: "Remove item 1" }));
    expect(sent).toHaveBeenLastCalledWith(["y"]);
  });

  it("list_int: a row that is not an integer is refused by its number and not sent", async () => {
    const { sent, user } = setup("list_int", [1, 2]);
    const second = screen.getByRole("textbox", { name: "Item 2" });
    await user.type(second, "0");
    expect(sent).toHaveBeenLastCalledWith([1, 20]);
    sent.mockClear();
    await user.type(second, "x");
    expect(sent).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("size: item 2: expected an integer.");
    expect(second).toHaveValue("20x");
    await user.click(screen.getByRole("button", { name: "+ Add item" }));
    expect(sent).not.toHaveBeenCalled();
    await user.type(second, "{backspace}");
    expect(sent).toHaveBeenLastCalledWith([1, 20, 0]);
  });

  it("code: the editor is named by the parameter and keeps the mode", () => {
    const sent = vi.fn();
    render(<ParameterField parameter={parameter("script", "code", { value: "print(1)", mode: "python" })} onChange={sent} />);
    const editor = screen.getByLabelText("script");
    expect(editor).toHaveTextContent("print(1)");
  });

  it("code in an operation's definition: the language can be changed", async () => {
    const { sent, user } = setup("code", { value: "echo hi", mode: "sh" }, { definition: true });
    await user.selectOptions(screen.getByLabelText("Language"), "python");
    expect(sent).toHaveBeenLastCalledWith({ value: "echo hi", mode: "python" });
  });

  it("color: the hex text and the picker send lower-case colours; a bad hex is refused", async () => {
    const { sent, user } = setup("color", "#ff0000");
    const text = screen.getByLabelText("size");
    await user.clear(text);
    sent.mockClear();
    await user.type(text, "#00FF0");
    expect(sent.mock.calls.map(([value]) => value)).toEqual(["#00f"]);
    expect(screen.getByRole("alert")).toHaveTextContent("size: expected a color such as #1e88e5.");
    await user.type(text, "0");
    expect(sent).toHaveBeenLastCalledWith("#00ff00");
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.input(screen.getByLabelText("Colour picker"), { target: { value: "#1e88e5" } });
    expect(sent).toHaveBeenLastCalledWith("#1e88e5");
  });

  it("list_node: a read-only summary of the nodes", () => {
    render(
      <ParameterField
        parameter={parameter("steps", "list_node", { value: [{ _id: "a1", title: "Train" }, { _id: "b2" }] })}
        onChange={() => {}}
      />,
    );
    const group = screen.getByRole("group", { name: "steps" });
    expect(group).toHaveTextContent("Train");
    expect(group).toHaveTextContent("b2");
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("read-only: every control is disabled", () => {
    const types: [ParameterType, unknown][] = [
      ["str", "a"],
      ["int", 1],
      ["bool", true],
      ["enum", { values: ["a"], index: 0 }],
      ["list_int", [1]],
      ["color", "#123456"],
    ];
    for (const [type, value] of types) {
      render(<ParameterField parameter={parameter(`p_${type}`, type, value)} readOnly onChange={() => {}} />);
    }
    for (const control of [...screen.getAllByRole("textbox"), ...screen.getAllByRole("checkbox"), ...screen.getAllByRole("combobox")]) {
      expect(control).toBeDisabled();
    }
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("a value changed from outside replaces what was typed", async () => {
    const user = userEvent.setup();
    const { rerender } = render(<ParameterField parameter={parameter("n", "int", 1)} onChange={() => {}} />);
    const field = screen.getByLabelText("n");
    await user.type(field, "x");
    expect(screen.getByRole("alert")).toBeInTheDocument();
    rerender(<ParameterField parameter={parameter("n", "int", 5)} onChange={() => {}} />);
    expect(field).toHaveValue("5");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("a stored value that does not fit its type is named", () => {
    render(<ParameterField parameter={parameter("n", "int", "seven")} onChange={() => {}} />);
    expect(screen.getByRole("alert")).toHaveTextContent("n: expected an integer.");
  });
});
