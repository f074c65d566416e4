/**
 * Undo/redo over immutable graph states, with a dirty flag relative to the last saved state.
 *
 * States are compared by reference: the edit operations return new arrays for every change, so
 * "the present is the state that was saved" is exactly "nothing to save". Undoing back to the
 * saved state makes the editor clean again.
 */

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** How many states `past` keeps; older ones are forgotten. */
  readonly capacity: number;
  /** The state last saved (or loaded); `undefined` when nothing was ever saved. */
  readonly saved: T | undefined;
}

/** Enough for a long editing session; each state shares unchanged nodes with its neighbours. */
export const DEFAULT_CAPACITY = 100;

/** A history whose present is `initial`, taken as saved (it was just loaded from the server). */
export function createHistory<T>(initial: T, capacity: number = DEFAULT_CAPACITY): History<T> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`the history capacity must be a positive integer, got ${capacity}`);
  }
  return { past: [], present: initial, future: [], capacity, saved: initial };
}

/** Record `next` as a new step; it drops the redo branch. The same state again is no step. */
export function push<T>(history: History<T>, next: T): History<T> {
  if (next === history.present) return history;
  const past = [...history.past, history.present];
  return {
    ...history,
    past: past.length > history.capacity ? past.slice(past.length - history.capacity) : past,
    present: next,
    future: [],
  };
}

/** Change the present without a new step (e.g. the frames of a drag, before it ends). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return next === history.present ? history : { ...history, present: next };
}

export function canUndo<T>(history: History<T>): boolean {
  return history.past.length > 0;
}

export function canRedo<T>(history: History<T>): boolean {
  return history.future.length > 0;
}

export function undo<T>(history: History<T>): History<T> {
  if (!canUndo(history)) return history;
  return {
    ...history,
    past: history.past.slice(0, -1),
    present: history.past[history.past.length - 1],
    future: [history.present, ...history.future],
  };
}

export function redo<T>(history: History<T>): History<T> {
  if (!canRedo(history)) return history;
  return {
    ...history,
    past: [...history.past, history.present],
    present: history.future[0],
    future: history.future.slice(1),
  };
}

/**
 * Mark `state` as saved: by default the present; pass the state that was sent when the save
 * finishes after further edits, so those edits stay dirty.
 */
export function markSaved<T>(history: History<T>, state: T = history.present): History<T> {
  return { ...history, saved: state };
}

export function isDirty<T>(history: History<T>): boolean {
  return history.present !== history.saved;
}
