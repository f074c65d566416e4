import { describe, expect, test } from "vitest";

import { commandOf, isTextField } from "./keyboard";

function press(key: string, modifiers: Partial<KeyboardEventInit> = {}, target: HTMLElement = document.body): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, ...modifiers });
  Object.defineProperty(event, "target", { value: target });
  return event;
}

describe("editor shortcuts", () => {
  test.each([
    ["s", { ctrlKey: true }, "save"],
    ["S", { metaKey: true }, "save"],
    ["z", { ctrlKey: true }, "undo"],
    ["Z", { ctrlKey: true, shiftKey: true }, "redo"],
    ["y", { ctrlKey: true }, "redo"],
    ["z", {}, null],
    ["z", { ctrlKey: true, altKey: true }, null],
    ["c", { ctrlKey: true }, null],
  ] as const)("%s with %o is %s", (key, modifiers, command) => {
    expect(commandOf(press(key, modifiers))).toBe(command);
  });

  test("a text field keeps its own undo, but Ctrl+S still saves", () => {
    const field = document.createElement("input");
    expect(commandOf(press("z", { ctrlKey: true }, field))).toBeNull();
    expect(commandOf(press("s", { ctrlKey: true }, field))).toBe("save");
  });

  test("checkboxes and colour pickers are not text fields; text areas are", () => {
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    const color = Object.assign(document.createElement("input"), { type: "color" });
    expect(isTextField(checkbox)).toBe(false);
    expect(isTextField(color)).toBe(false);
    expect(isTextField(document.createElement("textarea"))).toBe(true);
    expect(isTextField(Object.assign(document.createElement("input"), { type: "number" }))).toBe(true);
    expect(isTextField(document.body)).toBe(false);
  });
});
