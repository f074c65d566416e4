/**
 * Converters between the server's node documents and React Flow's nodes and edges.
 *
 * The documents are the source of truth: a link lives in the target input's `values`. React Flow
 * wants the same link as an edge, so `toFlow` lifts links into edges and `fromFlow` writes the
 * edges (and dragged positions) back into the documents. Non-link values (inline values, stored
 * resources) stay where they were; links keep their order.
 */

import type { Connection, InputValue, LinkValue, NodeDoc } from "./types";
import { isLink } from "./types";

/** The React Flow node type that renders a workflow node. */
export const NODE_TYPE = "operation";

// A type alias (not an interface) so that it satisfies React Flow's `Record<string, unknown>`.
export type FlowNodeData = { doc: NodeDoc };

/** Structurally a React Flow 12 `Node<FlowNodeData>`, without depending on the library here. */
export interface FlowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: FlowNodeData;
  selected?: boolean;
}

/** Structurally a React Flow 12 `Edge`; the handles are the output's and the input's names. */
export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
  selected?: boolean;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/**
 * A stable edge id. `index` counts earlier identical links into the same input (0 for the first),
 * so adding or removing other links never renames an edge.
 */
export function edgeId(source: string, output: string, target: string, input: string, index = 0): string {
  return `${source}:${output}->${target}:${input}#${index}`;
}

/** Edges for every link of `nodes`, in document order; links to nodes not in `nodes` have none. */
/** The pieces of an edge id made by `edgeId`, or null for an id of another shape. */
export function parseEdgeId(id: string): (Connection & { index: number }) | null {
  // Port names never hold ":" or ">" and node ids are hex, so the separators are unambiguous.
  const match = /^([^:>]+):([^:>]+)->([^:>]+):([^:>#]+)#(\d+)$/.exec(id);
  if (!match) return null;
  const [, source, sourceHandle, target, targetHandle, index] = match;
  return { source, sourceHandle, target, targetHandle, index: Number(index) };
}

/**
 * React Flow's connection (whose handles may be null) as the core's `Connection`, or null when a
 * handle is missing; for `isValidConnection` and `onConnect`.
 */
export function asConnection(connection: {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}): Connection | null {
  const { source, target, sourceHandle, targetHandle } = connection;
  if (!sourceHandle || !targetHandle) return null;
  return { source, sourceHandle, target, targetHandle };
}

export function linksToEdges(nodes: readonly NodeDoc[]): FlowEdge[] {
  const known = new Set(nodes.map((node) => node._id));
  const edges: FlowEdge[] = [];
  for (const node of nodes) {
    for (const input of node.inputs) {
      const seen = new Map<string, number>();
      for (const value of input.values) {
        if (!isLink(value) || !known.has(value.node_id)) continue;
        const key = `${value.node_id}\u0000${value.output_id}`;
        const index = seen.get(key) ?? 0;
        seen.set(key, index + 1);
        edges.push({
          id: edgeId(value.node_id, value.output_id, node._id, input.name, index),
          source: value.node_id,
          sourceHandle: value.output_id,
          target: node._id,
          targetHandle: input.name,
        });
      }
    }
  }
  return edges;
}

export function toFlow(nodes: readonly NodeDoc[]): FlowGraph {
  return {
    nodes: nodes.map((doc) => ({
      id: doc._id,
      type: NODE_TYPE,
      position: { x: doc.x, y: doc.y },
      data: { doc },
    })),
    edges: linksToEdges(nodes),
  };
}

/**
 * Merge the links of `links` into `values`: non-link values keep their places, the link slots are
 * filled in order with the new links, and any further links are appended.
 */
function mergeLinks(values: readonly InputValue[], links: readonly LinkValue[]): InputValue[] {
  const merged: InputValue[] = [];
  let next = 0;
  for (const value of values) {
    if (!isLink(value)) {
      merged.push(value);
    } else if (next < links.length) {
      merged.push(links[next++]);
    }
  }
  return merged.concat(links.slice(next));
}

/**
 * The documents of `flowNodes`, with positions from the canvas and links rebuilt from `flowEdges`.
 *
 * Server positions are integers, so dragged positions are rounded. Edges whose nodes or ports are
 * unknown are ignored (React Flow may briefly hold them while a node is being deleted); links to
 * nodes that are no longer on the canvas disappear with their edges.
 */
export function fromFlow(flowNodes: readonly FlowNode[], flowEdges: readonly FlowEdge[]): NodeDoc[] {
  const byId = new Map(flowNodes.map((node) => [node.id, node.data.doc]));
  const linksByInput = new Map<string, LinkValue[]>();
  for (const edge of flowEdges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target || !edge.sourceHandle || !edge.targetHandle) continue;
    const output = edge.sourceHandle;
    if (!source.outputs.some((port) => port.name === output)) continue;
    const key = `${edge.target}\u0000${edge.targetHandle}`;
    const links = linksByInput.get(key) ?? [];
    links.push({ node_id: edge.source, output_id: output });
    linksByInput.set(key, links);
  }
  return flowNodes.map((flowNode) => {
    const doc = flowNode.data.doc;
    return {
      ...doc,
      x: Math.round(flowNode.position.x),
      y: Math.round(flowNode.position.y),
      inputs: doc.inputs.map((input) => ({
        ...input,
        values: mergeLinks(input.values, linksByInput.get(`${flowNode.id}\u0000${input.name}`) ?? []),
      })),
    };
  });
}
