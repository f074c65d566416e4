/**
 * What the canvas shows of a node's run: its status, its times and the resources it produced.
 * The run view and the editor's auto-run overlay both build these from `/runs/{id}/nodes/`.
 */

export interface NodeRunState {
  status: string;
  started_at?: string | null;
  finished_at?: string | null;
  /** Output name → resource id, for the outputs produced so far. */
  outputs?: Record<string, string>;
}

/** Node id → its run state. */
export type NodeRunStates = Record<string, NodeRunState>;

/** Statuses after which a node changes no more. */
export const FINAL_STATUSES = new Set(["SUCCESS", "RESTORED", "FAILED", "CANCELED", "STATIC"]);

function sameOutputs(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const left = Object.entries(a ?? {});
  if (left.length !== Object.keys(b ?? {}).length) return false;
  return left.every(([name, id]) => b?.[name] === id);
}

/**
 * Whether two states show the same. A poll rebuilds every state object; comparing the contents
 * lets the canvas re-render only the nodes whose state really changed.
 */
export function sameRunState(a: NodeRunState | undefined, b: NodeRunState | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.status === b.status &&
    (a.started_at ?? null) === (b.started_at ?? null) &&
    (a.finished_at ?? null) === (b.finished_at ?? null) &&
    sameOutputs(a.outputs, b.outputs)
  );
}

/**
 * Seconds the node ran: from its start to its end, or to `now` while it runs; null before it
 * starts (or when a restored node kept no times).
 */
export function runSeconds(state: NodeRunState | undefined, now: number = Date.now()): number | null {
  if (!state?.started_at) return null;
  const start = Date.parse(state.started_at);
  const end = state.finished_at ? Date.parse(state.finished_at) : FINAL_STATUSES.has(state.status) ? NaN : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}
