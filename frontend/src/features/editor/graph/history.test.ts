import { describe, expect, it } from "vitest";

import {
  DEFAULT_CAPACITY,
  canRedo,
  canUndo,
  createHistory,
  isDirty,
  markSaved,
  push,
  redo,
  replace,
  undo,
} from "./history";

// States are compared by reference, as the graph edits produce them: a fresh array per change.
const s0 = ["s0"];
const s1 = ["s1"];
const s2 = ["s2"];
const s3 = ["s3"];

describe("createHistory", () => {
  it("starts clean, with nothing to undo or redo", () => {
    const history = createHistory(s0);
    expect(history).toEqual({ past: [], present: s0, future: [], capacity: DEFAULT_CAPACITY, saved: s0 });
    expect([canUndo(history), canRedo(history), isDirty(history)]).toEqual([false, false, false]);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a capacity of %s", (capacity) => {
    expect(() => createHistory(s0, capacity)).toThrow(
      new RangeError(`the history capacity must be a positive integer, got ${capacity}`),
    );
  });
});

describe("push", () => {
  it("records steps and makes the history dirty", () => {
    const history = push(push(createHistory(s0), s1), s2);
    expect(history.past).toEqual([s0, s1]);
    expect(history.present).toBe(s2);
    expect(isDirty(history)).toBe(true);
  });

  it("ignores the present state pushed again", () => {
    const history = push(createHistory(s0), s1);
    expect(push(history, s1)).toBe(history);
  });

  it("forgets the oldest steps beyond the capacity", () => {
    let history = createHistory(s0, 2);
    for (const state of [s1, s2, s3]) history = push(history, state);
    expect(history.past).toEqual([s1, s2]);
    expect(undo(undo(history)).present).toBe(s1);
    expect(canUndo(undo(undo(history)))).toBe(false);
  });

  it("drops the redo branch", () => {
    const history = push(undo(push(createHistory(s0), s1)), s2);
    expect(history.future).toEqual([]);
    expect(history.past).toEqual([s0]);
    expect(canRedo(history)).toBe(false);
  });
});

describe("undo and redo", () => {
  it("walk back and forth through the steps", () => {
    const history = push(push(createHistory(s0), s1), s2);
    const back = undo(history);
    expect(back).toEqual({ ...history, past: [s0], present: s1, future: [s2] });
    const start = undo(back);
    expect(start).toEqual({ ...history, past: [], present: s0, future: [s1, s2] });
    expect(redo(start)).toEqual(back);
    expect(redo(redo(start))).toEqual(history);
  });

  it("do nothing at either end", () => {
    const history = createHistory(s0);
    expect(undo(history)).toBe(history);
    expect(redo(history)).toBe(history);
  });

  it("make the editor clean again when they reach the saved state", () => {
    const history = push(createHistory(s0), s1);
    expect(isDirty(undo(history))).toBe(false);
    expect(isDirty(redo(undo(history)))).toBe(true);
  });
});

describe("replace", () => {
  it("changes the present without a step", () => {
    const history = push(createHistory(s0), s1);
    const replaced = replace(history, s2);
    expect(replaced).toEqual({ ...history, present: s2 });
    expect(undo(replaced).present).toBe(s0);
    expect(replace(replaced, s2)).toBe(replaced);
  });
});

describe("markSaved", () => {
  it("makes the present the saved state", () => {
    const history = markSaved(push(createHistory(s0), s1));
    expect(isDirty(history)).toBe(false);
    expect(isDirty(undo(history))).toBe(true);
  });

  it("keeps edits made while a save was under way dirty", () => {
    const sent = push(createHistory(s0), s1);
    const history = markSaved(push(sent, s2), sent.present);
    expect(history.saved).toBe(s1);
    expect(isDirty(history)).toBe(true);
    expect(isDirty(undo(history))).toBe(false);
  });

  it("stays dirty once the saved state has been forgotten and replaced", () => {
    let history = createHistory(s0, 1);
    history = push(push(history, s1), s2);
    expect(history.past).toEqual([s1]);
    expect(isDirty(undo(history))).toBe(true);
  });
});
