import { createContext, useContext } from "react";

import type { RawScalar } from "../graph/types";

/**
 * Callbacks the nodes of a canvas share. They live in a context, not in each node's data, so a
 * node's data changes only when what it shows changes (memoised nodes stay put on other edits).
 */
export interface CanvasActions {
  /** Write (or clear, with null) an inline value on an unconnected input. */
  setInlineValue: (nodeId: string, inputName: string, value: RawScalar | null) => void;
}

export const CanvasActionsContext = createContext<CanvasActions | null>(null);

export function useCanvasActions(): CanvasActions | null {
  return useContext(CanvasActionsContext);
}
