/**
 * Pure edit operations on a workflow's nodes. Each returns new arrays and never changes its
 * arguments, so the undo history can keep every state by reference.
 */

import type { Verdict } from "./rules";
import { canConnect, checkParameterValue, show, valueFitsInput } from "./rules";
import type { Connection, InputValue, NodeDoc, Parameter, RawScalar } from "./types";
import { isLink, isRawType, isRawValue } from "./types";

export type EditResult = { ok: true; nodes: NodeDoc[] } | { ok: false; reason: string };

/** A source of new node ids; tests pass a deterministic one. */
export type IdFactory = () => string;

/** The fields of a catalog operation a node is made from (its `_id` becomes `original_node_id`). */
export type OperationDoc = Omit<NodeDoc, "x" | "y" | "original_node_id" | "logs"> & { logs?: NodeDoc["logs"] };

export interface Position {
  x: number;
  y: number;
}

/** What the clipboard holds: self-contained nodes, with links only among themselves. */
export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  nodes: NodeDoc[];
}

export const CLIPBOARD_FORMAT = "plynx/nodes@1";

const HEX = "0123456789abcdef";

/** A new id in the server's format (24 lowercase hex digits, like a MongoDB ObjectId). */
export function newObjectId(random: () => number = Math.random): string {
  let id = "";
  for (let i = 0; i < 24; i++) id += HEX[Math.floor(random() * 16)];
  return id;
}

function refuse(reason: string): EditResult {
  return { ok: false, reason };
}

// The documents are plain JSON (they come from and go back to the API), so a JSON copy is exact.
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function withoutLinks(values: readonly InputValue[], keep: (nodeId: string) => boolean): InputValue[] {
  return values.filter((value) => !isLink(value) || keep(value.node_id));
}

/** `node` with only the links for which `keep(sourceId)` holds; the node itself if none is dropped. */
function keepLinks(node: NodeDoc, keep: (nodeId: string) => boolean): NodeDoc {
  let changed = false;
  const inputs = node.inputs.map((input) => {
    const values = withoutLinks(input.values, keep);
    if (values.length === input.values.length) return input;
    changed = true;
    return { ...input, values };
  });
  return changed ? { ...node, inputs } : node;
}

/** Replace node `nodeId` with `update(node)`; other nodes are kept by reference. */
function updateNode(nodes: readonly NodeDoc[], nodeId: string, update: (node: NodeDoc) => NodeDoc): NodeDoc[] {
  return nodes.map((node) => (node._id === nodeId ? update(node) : node));
}

/** Place a new node made from `operation` at `position`: fresh id, no links, nothing produced yet. */
export function addNode(
  nodes: readonly NodeDoc[],
  operation: OperationDoc,
  position: Position,
  newId: IdFactory = newObjectId,
): NodeDoc[] {
  const copy = clone(operation);
  const node: NodeDoc = {
    ...copy,
    _id: newId(),
    original_node_id: operation._id,
    x: Math.round(position.x),
    y: Math.round(position.y),
    inputs: copy.inputs.map((input) => ({ ...input, values: input.values.filter((value) => !isLink(value)) })),
    outputs: copy.outputs.map((output) => ({ ...output, resource_id: null })),
    logs: (copy.logs ?? []).map((log) => ({ ...log, resource_id: null })),
  };
  return [...nodes, node];
}

/** Remove the nodes `ids` and every link from them. */
export function removeNodes(nodes: readonly NodeDoc[], ids: Iterable<string>): NodeDoc[] {
  const gone = new Set(ids);
  return nodes.filter((node) => !gone.has(node._id)).map((node) => keepLinks(node, (id) => !gone.has(id)));
}

/**
 * Add the link `connection` if `canConnect` allows it. A link replaces an inline value the input
 * held while it was unconnected.
 */
export function connect(nodes: readonly NodeDoc[], connection: Connection): EditResult {
  const verdict: Verdict = canConnect(nodes, connection);
  if (!verdict.ok) return verdict;
  const link = { node_id: connection.source, output_id: connection.sourceHandle };
  return {
    ok: true,
    nodes: updateNode(nodes, connection.target, (node) => ({
      ...node,
      inputs: node.inputs.map((input) =>
        input.name === connection.targetHandle
          ? { ...input, values: [...input.values.filter((value) => !isRawValue(value)), link] }
          : input,
      ),
    })),
  };
}

/** Remove the link `connection`; `nodes` itself when there is no such link. */
export function disconnect(nodes: readonly NodeDoc[], connection: Connection): NodeDoc[] {
  const matches = (value: InputValue) =>
    isLink(value) && value.node_id === connection.source && value.output_id === connection.sourceHandle;
  const target = nodes.find((node) => node._id === connection.target);
  const input = target?.inputs.find((port) => port.name === connection.targetHandle);
  if (!input || !input.values.some(matches)) return nodes as NodeDoc[];
  return updateNode(nodes, connection.target, (node) => ({
    ...node,
    inputs: node.inputs.map((port) =>
      port === input ? { ...port, values: port.values.filter((value) => !matches(value)) } : port,
    ),
  }));
}

/** A parameter every node of a multi-selection has (same name and type); `mixed` if values differ. */
export interface SharedParameter {
  parameter: Parameter;
  mixed: boolean;
}

/**
 * The parameters the nodes `ids` have in common, by name and type, in the first node's order,
 * with the first node's value; the properties panel edits them all at once.
 */
export function sharedParameters(nodes: readonly NodeDoc[], ids: Iterable<string>): SharedParameter[] {
  const chosen = new Set(ids);
  const selected = nodes.filter((node) => chosen.has(node._id));
  if (selected.length === 0) return [];
  const [first, ...others] = selected;
  const shared: SharedParameter[] = [];
  for (const parameter of first.parameters) {
    const matches = others.map((node) =>
      node.parameters.find((p) => p.name === parameter.name && p.parameter_type === parameter.parameter_type),
    );
    if (matches.some((match) => match === undefined)) continue;
    const value = JSON.stringify(parameter.value);
    shared.push({ parameter, mixed: matches.some((match) => JSON.stringify(match?.value) !== value) });
  }
  return shared;
}

/** Set parameter `name` on every node of `ids`; refused as a whole if any node refuses. */
export function setParameterOnNodes(
  nodes: readonly NodeDoc[],
  ids: Iterable<string>,
  name: string,
  value: unknown,
): EditResult {
  let current = nodes as NodeDoc[];
  for (const id of new Set(ids)) {
    const result = setParameter(current, id, name, value);
    if (!result.ok) return result;
    current = result.nodes;
  }
  return { ok: true, nodes: current };
}

/** Set parameter `name` of node `nodeId` to `value` if the value fits the parameter's type. */
export function setParameter(nodes: readonly NodeDoc[], nodeId: string, name: string, value: unknown): EditResult {
  const node = nodes.find((candidate) => candidate._id === nodeId);
  if (!node) return refuse(`There is no node ${nodeId}.`);
  const parameter = node.parameters.find((candidate) => candidate.name === name);
  if (!parameter) return refuse(`"${node.title}" has no parameter "${name}".`);
  const why = checkParameterValue(parameter.parameter_type, value);
  if (why !== null) return refuse(`Parameter "${name}" of "${node.title}": ${why}.`);
  // The server stores colors in lower case; storing them so here keeps the dirty flag honest.
  const canonical = parameter.parameter_type === "color" ? (value as string).toLowerCase() : clone(value);
  return {
    ok: true,
    nodes: updateNode(nodes, nodeId, (current) => ({
      ...current,
      parameters: current.parameters.map((p) => (p.name === name ? { ...p, value: canonical } : p)),
    })),
  };
}

/**
 * Write `value` inline on the unconnected input `inputName` (only inputs of a raw type: int,
 * float, str, bool, color); `null` clears it.
 */
export function setInlineValue(
  nodes: readonly NodeDoc[],
  nodeId: string,
  inputName: string,
  value: RawScalar | null,
): EditResult {
  const node = nodes.find((candidate) => candidate._id === nodeId);
  if (!node) return refuse(`There is no node ${nodeId}.`);
  const input = node.inputs.find((port) => port.name === inputName);
  if (!input) return refuse(`"${node.title}" has no input "${inputName}".`);
  const rawTypes = input.file_types.filter(isRawType);
  if (rawTypes.length === 0) {
    return refuse(`Input "${inputName}" of "${node.title}" takes ${input.file_types.join(", ")}, which cannot be written inline.`);
  }
  if (input.values.some(isLink)) {
    return refuse(`Input "${inputName}" of "${node.title}" is connected; disconnect it to write a value.`);
  }
  if (value !== null && !valueFitsInput(value, rawTypes)) {
    return refuse(`${show(value)} is not a valid ${rawTypes.join(" or ")} for input "${inputName}" of "${node.title}".`);
  }
  const values: InputValue[] = value === null ? [] : [{ value }];
  return {
    ok: true,
    nodes: updateNode(nodes, nodeId, (current) => ({
      ...current,
      inputs: current.inputs.map((port) => (port.name === inputName ? { ...port, values } : port)),
    })),
  };
}

/** The nodes `ids` as a clipboard payload, keeping only the links among them. */
export function copyNodes(nodes: readonly NodeDoc[], ids: Iterable<string>): ClipboardPayload {
  const chosen = new Set(ids);
  return {
    format: CLIPBOARD_FORMAT,
    nodes: clone(nodes.filter((node) => chosen.has(node._id))).map((node) => keepLinks(node, (id) => chosen.has(id))),
  };
}

/** A clipboard payload from clipboard text (another tab, another workflow), or null if it is none. */
export function parseClipboard(text: string): ClipboardPayload | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const payload = data as Partial<ClipboardPayload>;
  if (payload.format !== CLIPBOARD_FORMAT || !Array.isArray(payload.nodes)) return null;
  return { format: CLIPBOARD_FORMAT, nodes: payload.nodes };
}

export interface PasteResult {
  nodes: NodeDoc[];
  /** The new ids of the pasted nodes, in payload order (the editor selects them). */
  pastedIds: string[];
}

/**
 * Append the payload's nodes moved by `offset`, with fresh ids; links among the pasted nodes point
 * at their new ids, links to anything else are dropped.
 */
export function pasteNodes(
  nodes: readonly NodeDoc[],
  payload: ClipboardPayload,
  offset: Position,
  newId: IdFactory = newObjectId,
): PasteResult {
  const ids = new Map(payload.nodes.map((node) => [node._id, newId()]));
  const pasted = clone(payload.nodes).map((node) => ({
    ...node,
    _id: ids.get(node._id) as string,
    x: Math.round(node.x + offset.x),
    y: Math.round(node.y + offset.y),
    inputs: node.inputs.map((input) => ({
      ...input,
      values: withoutLinks(input.values, (id) => ids.has(id)).map((value) =>
        isLink(value) ? { node_id: ids.get(value.node_id) as string, output_id: value.output_id } : value,
      ),
    })),
  }));
  return { nodes: [...nodes, ...pasted], pastedIds: pasted.map((node) => node._id) };
}

export interface LayoutOptions {
  /** Horizontal distance between layers; wide enough for a node card and its wires. */
  layerGap?: number;
  /** Vertical distance between nodes of one layer. */
  rowGap?: number;
}

/**
 * Positions by topological layers, left to right: a node sits one layer right of its furthest
 * upstream node. Inside a layer nodes are ordered by the mean row of their upstream nodes (fewer
 * crossings), ties by their order in `nodes`. Nodes on a cycle (an invalid graph) go in a last
 * layer rather than being lost. Deterministic: the same nodes give the same positions.
 */
export function autoLayout(nodes: readonly NodeDoc[], options: LayoutOptions = {}): NodeDoc[] {
  const { layerGap = 280, rowGap = 140 } = options;
  const index = new Map(nodes.map((node, i) => [node._id, i]));
  const upstream = nodes.map((node) => {
    const ids = new Set<number>();
    for (const input of node.inputs) {
      for (const value of input.values) {
        const from = isLink(value) ? index.get(value.node_id) : undefined;
        if (from !== undefined) ids.add(from);
      }
    }
    return [...ids];
  });
  const downstream: number[][] = nodes.map(() => []);
  upstream.forEach((ups, i) => ups.forEach((u) => downstream[u].push(i)));

  // Kahn's algorithm; the layer of a node is the longest path to it.
  const layer = nodes.map(() => 0);
  const waiting = upstream.map((ups) => ups.length);
  const queue = waiting.flatMap((count, i) => (count === 0 ? [i] : []));
  const placed = new Set<number>();
  while (queue.length > 0) {
    const i = queue.shift() as number;
    placed.add(i);
    for (const d of downstream[i]) {
      layer[d] = Math.max(layer[d], layer[i] + 1);
      if (--waiting[d] === 0) queue.push(d);
    }
  }
  const last = Math.max(0, ...[...placed].map((i) => layer[i]));
  nodes.forEach((_, i) => {
    if (!placed.has(i)) layer[i] = last + 1;
  });

  const layers: number[][] = [];
  nodes.forEach((_, i) => (layers[layer[i]] ??= []).push(i));
  const row = nodes.map(() => 0);
  const position = new Map<number, Position>();
  layers.forEach((members, l) => {
    const weight = (i: number) => {
      const rows = upstream[i].filter((u) => layer[u] < l).map((u) => row[u]);
      return rows.length === 0 ? i : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const ordered = [...members].sort((a, b) => weight(a) - weight(b) || a - b);
    ordered.forEach((i, r) => {
      row[i] = r;
      position.set(i, { x: l * layerGap, y: r * rowGap });
    });
  });
  return nodes.map((node, i) => {
    const { x, y } = position.get(i) as Position;
    return node.x === x && node.y === y ? node : { ...node, x, y };
  });
}
