import { describe, expect, test } from "vitest";

import { canRedo, canUndo } from "../graph/history";
import { node, oid, parameter } from "../graph/testing";
import { editorReducer, initialEditorState, isEditorDirty, type EditorDoc, type EditorState } from "./editor-state";

const doc: EditorDoc = {
  title: "Flow",
  description: "",
  nodes: [node(oid(1), { x: 0, y: 0 }), node(oid(2), { x: 100, y: 0 })],
  parameters: [parameter("rate", "float", 0.5)],
};

function moved(state: EditorState, x: number) {
  return state.history.present.nodes.map((n) => (n._id === oid(1) ? { ...n, x } : n));
}

describe("editorReducer", () => {
  test("an edit is one undoable step and makes the editor dirty until undone", () => {
    let state = initialEditorState(doc);
    expect(isEditorDirty(state)).toBe(false);
    state = editorReducer(state, { type: "edit", nodes: doc.nodes.slice(1) });
    expect(state.history.present.nodes.map((n) => n._id)).toEqual([oid(2)]);
    expect(isEditorDirty(state)).toBe(true);
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present).toBe(doc);
    expect(isEditorDirty(state)).toBe(false);
    state = editorReducer(state, { type: "redo" });
    expect(state.history.present.nodes).toHaveLength(1);
  });

  test("workflow parameters and nodes share the history", () => {
    let state = initialEditorState(doc);
    const parameters = [parameter("rate", "float", 0.9)];
    state = editorReducer(state, { type: "edit", parameters });
    expect(state.history.present.parameters).toBe(parameters);
    expect(state.history.present.nodes).toBe(doc.nodes);
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present.parameters).toBe(doc.parameters);
  });

  test("a drag of many frames is one step back to where it started", () => {
    let state = initialEditorState(doc);
    for (const x of [10, 20, 30]) state = editorReducer(state, { type: "move", nodes: moved(state, x), final: false });
    expect(state.history.past).toHaveLength(0);
    state = editorReducer(state, { type: "move", nodes: state.history.present.nodes, final: true });
    expect(state.history.present.nodes[0].x).toBe(30);
    expect(state.history.past).toHaveLength(1);
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present).toBe(doc);
  });

  test("a press that moves nothing leaves no step", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, { type: "move", nodes: doc.nodes, final: true });
    expect(canUndo(state.history)).toBe(false);
    expect(isEditorDirty(state)).toBe(false);
  });

  test("typing a title is one step per field visit", () => {
    let state = initialEditorState(doc);
    for (const title of ["F", "Fl", "Flo"]) state = editorReducer(state, { type: "text", field: "title", value: title });
    state = editorReducer(state, { type: "text-done" });
    state = editorReducer(state, { type: "text", field: "title", value: "Flow 2" });
    expect(state.history.past.map((d) => d.title)).toEqual(["Flow", "Flo"]);
    state = editorReducer(state, { type: "undo" });
    expect(state.history.present.title).toBe("Flo");
    expect(canRedo(state.history)).toBe(true);
  });

  test("saving an older state keeps later edits dirty", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, { type: "text", field: "title", value: "Sent" });
    const sent = state.history.present;
    state = editorReducer(state, { type: "edit", nodes: [] });
    state = editorReducer(state, { type: "saved", doc: sent });
    expect(isEditorDirty(state)).toBe(true);
    state = editorReducer(state, { type: "undo" });
    expect(isEditorDirty(state)).toBe(false);
  });
});
