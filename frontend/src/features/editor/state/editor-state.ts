/**
 * The editor's state: the workflow document being edited (title, description, nodes and the
 * workflow's own parameters) in one undo history, so every edit, including a parameter of the
 * workflow, is undone and saved together. A pure reducer over the graph core's history.
 */

import { createHistory, isDirty, markSaved, push, redo, replace, undo, type History } from "../graph/history";
import type { NodeDoc, Parameter } from "../graph/types";

export interface EditorDoc {
  title: string;
  description: string;
  nodes: NodeDoc[];
  parameters: Parameter[];
}

export interface EditorState {
  history: History<EditorDoc>;
  /** The document before the nodes being dragged moved; the whole drag is one undo step. */
  dragBase: EditorDoc | null;
  /** The text field being typed in; its keystrokes make one undo step. */
  typing: "title" | "description" | null;
}

export type EditorAction =
  | { type: "load"; doc: EditorDoc }
  /** Any change of the nodes and/or parameters as one step. */
  | { type: "edit"; nodes?: NodeDoc[]; parameters?: Parameter[] }
  | { type: "move"; nodes: NodeDoc[]; final: boolean }
  | { type: "text"; field: "title" | "description"; value: string }
  /** The user left a text field: the next keystroke starts a new step. */
  | { type: "text-done" }
  | { type: "undo" }
  | { type: "redo" }
  /** `doc` was saved (it may be older than the present, if the user kept editing). */
  | { type: "saved"; doc: EditorDoc };

export function initialEditorState(doc: EditorDoc): EditorState {
  return { history: createHistory(doc), dragBase: null, typing: null };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const { history } = state;
  const present = history.present;
  switch (action.type) {
    case "load":
      return initialEditorState(action.doc);
    case "edit": {
      const nodes = action.nodes ?? present.nodes;
      const parameters = action.parameters ?? present.parameters;
      if (nodes === present.nodes && parameters === present.parameters) return state;
      return { history: push(history, { ...present, nodes, parameters }), dragBase: null, typing: null };
    }
    case "move": {
      const base = state.dragBase ?? present;
      if (!action.final) {
        return { ...state, dragBase: base, history: replace(history, { ...present, nodes: action.nodes }), typing: null };
      }
      // A press that moved nothing leaves no step behind.
      if (action.nodes === base.nodes) return { ...state, dragBase: null, history: replace(history, base) };
      return { history: push(replace(history, base), { ...present, nodes: action.nodes }), dragBase: null, typing: null };
    }
    case "text": {
      if (present[action.field] === action.value) return state;
      const next = { ...present, [action.field]: action.value };
      return {
        history: state.typing === action.field ? replace(history, next) : push(history, next),
        dragBase: null,
        typing: action.field,
      };
    }
    case "text-done":
      return state.typing === null ? state : { ...state, typing: null };
    case "undo":
      return { history: undo(history), dragBase: null, typing: null };
    case "redo":
      return { history: redo(history), dragBase: null, typing: null };
    case "saved":
      return { ...state, history: markSaved(history, action.doc) };
  }
}

export function isEditorDirty(state: EditorState): boolean {
  return isDirty(state.history);
}
