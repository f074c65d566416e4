/**
 * Automatic layout with ELK's layered algorithm, left to right (sources on the left). elkjs is
 * large, so it is imported on first use and stays out of the editor's bundle.
 */

import { autoLayout } from "../graph/edit";
import type { NodeDoc } from "../graph/types";
import { isLink } from "../graph/types";

// A node card: a fixed width and a header, then one row per port on its longer side.
const NODE_WIDTH = 220;
const HEADER_HEIGHT = 52;
const ROW_HEIGHT = 24;

function estimatedHeight(node: NodeDoc): number {
  return HEADER_HEIGHT + ROW_HEIGHT * Math.max(1, node.inputs.length, node.outputs.length);
}

/** The size of a node card as drawn, when the canvas knows it. */
export type SizeOf = (nodeId: string) => { width?: number; height?: number } | undefined;

/**
 * `nodes` at the positions ELK gives them, for cards of the sizes `sizeOf` tells (else estimated
 * from their ports); nodes that keep their place keep their object.
 */
export async function elkLayout(nodes: readonly NodeDoc[], sizeOf: SizeOf = () => undefined): Promise<NodeDoc[]> {
  if (nodes.length === 0) return [...nodes];
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const known = new Set(nodes.map((node) => node._id));
  const edges = nodes.flatMap((node) =>
    node.inputs.flatMap((input) =>
      input.values.filter(isLink).flatMap((link, index) =>
        known.has(link.node_id)
          ? [{ id: `${link.node_id}:${link.output_id}->${node._id}:${input.name}#${index}`, sources: [link.node_id], targets: [node._id] }]
          : [],
      ),
    ),
  );
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      // Room for the thumbnails a run adds under a node's outputs.
      "elk.spacing.nodeNode": "70",
      // Unconnected parts of the graph are laid out apart and stacked with the same room.
      "elk.spacing.componentComponent": "70",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: nodes.map((node) => {
      const size = sizeOf(node._id);
      return { id: node._id, width: size?.width || NODE_WIDTH, height: size?.height || estimatedHeight(node) };
    }),
    edges,
  });
  const placed = new Map((graph.children ?? []).map((child) => [child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) }]));
  return nodes.map((node) => {
    const at = placed.get(node._id);
    return !at || (at.x === node.x && at.y === node.y) ? node : { ...node, x: at.x, y: at.y };
  });
}

/** ELK's layout, or the core's simpler layered layout if ELK cannot run here. */
export async function layoutNodes(nodes: readonly NodeDoc[], sizeOf?: SizeOf): Promise<NodeDoc[]> {
  try {
    return await elkLayout(nodes, sizeOf);
  } catch {
    return autoLayout(nodes);
  }
}
