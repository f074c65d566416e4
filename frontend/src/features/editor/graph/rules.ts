/**
 * Connection rules and the client-side validation the editor shows before saving.
 *
 * They mirror the server's checks (`apps/graphs/engine/validation.py`, `apps/nodes/parameters.py`)
 * so a problem is named while the user works instead of after a round trip; the server stays the
 * authority.
 */

import type { Connection, InputPort, NodeDoc, OutputPort, ParameterType, RawScalar } from "./types";
import { UNLIMITED, isLink, isRawType, isRawValue } from "./types";

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface Problem {
  nodeId: string;
  port?: string;
  parameter?: string;
  message: string;
}

const CODE_MODES = ["python", "sh"];
const COLOR_RE = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

function quote(text: string): string {
  return `"${text}"`;
}

/** How many connection slots an input uses: links and resources; an inline value gives way to a link. */
export function usedSlots(input: InputPort): number {
  return input.values.filter((value) => !isRawValue(value)).length;
}

/** A value as the user would type it: strings quoted, numbers and booleans bare. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function describeLimit(count: number): string {
  return count === 1 ? "1 connection" : `${count} connections`;
}

/** Node id → ids of the nodes it feeds (through links to nodes that exist). */
function downstream(nodes: readonly NodeDoc[]): Map<string, string[]> {
  const next = new Map<string, string[]>(nodes.map((node) => [node._id, []]));
  for (const node of nodes) {
    for (const input of node.inputs) {
      for (const value of input.values) {
        if (isLink(value)) next.get(value.node_id)?.push(node._id);
      }
    }
  }
  return next;
}

/** The ids along a path `from` → ... → `to` following links downstream, or null if there is none. */
export function findPath(nodes: readonly NodeDoc[], from: string, to: string): string[] | null {
  const next = downstream(nodes);
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (current === to) {
      const path: string[] = [];
      for (let at: string | null = current; at !== null; at = parent.get(at) ?? null) path.unshift(at);
      return path;
    }
    for (const id of next.get(current) ?? []) {
      if (!parent.has(id)) {
        parent.set(id, current);
        queue.push(id);
      }
    }
  }
  return null;
}

/**
 * The ids of the nodes on one cycle, in link order (the last feeds the first), or null if the
 * links form none. The editor refuses links that close a cycle, but a loaded or pasted graph
 * may still hold one.
 */
export function findCycle(nodes: readonly NodeDoc[]): string[] | null {
  const next = downstream(nodes);
  const state = new Map<string, "open" | "done">();
  // An explicit stack instead of recursion: a long chain of nodes must not overflow the call stack.
  for (const root of nodes) {
    if (state.has(root._id)) continue;
    const path: string[] = [root._id];
    const cursor: number[] = [0];
    state.set(root._id, "open");
    while (path.length > 0) {
      const id = path[path.length - 1];
      const targets = next.get(id) as string[];
      const i = cursor[cursor.length - 1]++;
      if (i >= targets.length) {
        state.set(id, "done");
        path.pop();
        cursor.pop();
        continue;
      }
      const to = targets[i];
      if (state.get(to) === "open") return path.slice(path.indexOf(to));
      if (!state.has(to)) {
        state.set(to, "open");
        path.push(to);
        cursor.push(0);
      }
    }
  }
  return null;
}

/** Whether `value` may be written inline on an input taking `fileTypes` (as the server checks it). */
export function valueFitsInput(value: RawScalar | null, fileTypes: readonly string[]): boolean {
  return fileTypes.some((fileType) => {
    if (!isRawType(fileType)) return false;
    switch (fileType) {
      case "int":
        return typeof value === "number" && Number.isInteger(value);
      case "float":
        return typeof value === "number" && Number.isFinite(value);
      case "bool":
        return typeof value === "boolean";
      case "color":
        return typeof value === "string" && COLOR_RE.test(value);
      case "str":
        return typeof value === "string";
    }
  });
}

/** The end of a wire dragged onto empty canvas: from an output of one type or an input of some. */
export type DanglingWire = { from: "output"; fileType: string } | { from: "input"; fileTypes: readonly string[] };

/**
 * The names of the ports of `doc` (an operation of the catalog) that could take `wire`: its
 * inputs accepting the output's type, or its outputs of a type the input accepts. The catalog
 * offers only operations with at least one.
 */
export function compatiblePorts(doc: Pick<NodeDoc, "inputs" | "outputs">, wire: DanglingWire): string[] {
  if (wire.from === "output") {
    return doc.inputs.filter((port) => port.file_types.includes(wire.fileType)).map((port) => port.name);
  }
  return doc.outputs.filter((port) => wire.fileTypes.includes(port.file_type)).map((port) => port.name);
}

/** Whether the link `connection` may be added to `graph`, and if not, why (one sentence). */
export function canConnect(graph: readonly NodeDoc[], connection: Connection): Verdict {
  const { source, sourceHandle, target, targetHandle } = connection;
  const from = graph.find((node) => node._id === source);
  const to = graph.find((node) => node._id === target);
  if (!from) return refuse(`There is no node ${source} to connect from.`);
  if (!to) return refuse(`There is no node ${target} to connect to.`);
  if (source === target) return refuse(`${quote(from.title)} cannot be connected to itself.`);
  const output = from.outputs.find((port) => port.name === sourceHandle);
  if (!output) return refuse(`${quote(from.title)} has no output ${quote(sourceHandle)}.`);
  const input = to.inputs.find((port) => port.name === targetHandle);
  if (!input) return refuse(`${quote(to.title)} has no input ${quote(targetHandle)}.`);
  if (!input.file_types.includes(output.file_type)) {
    return refuse(
      `Output ${quote(output.name)} of ${quote(from.title)} is ${output.file_type}, but input ` +
        `${quote(input.name)} of ${quote(to.title)} takes ${input.file_types.join(", ")}.`,
    );
  }
  if (input.values.some((value) => isLink(value) && value.node_id === source && value.output_id === sourceHandle)) {
    return refuse(`Output ${quote(output.name)} of ${quote(from.title)} is already connected to input ${quote(input.name)} of ${quote(to.title)}.`);
  }
  const used = usedSlots(input);
  if (input.max_count !== UNLIMITED && used >= input.max_count) {
    return refuse(
      `Input ${quote(input.name)} of ${quote(to.title)} takes at most ${describeLimit(input.max_count)} and already has ${used}.`,
    );
  }
  const path = findPath(graph, target, source);
  if (path) {
    const titles = [...path, target].map((id) => quote((graph.find((node) => node._id === id) as NodeDoc).title));
    return refuse(`Connecting would make a cycle: ${titles.join(" → ")}.`);
  }
  return { ok: true };
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasExactKeys(value: unknown, keys: string[]): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

/** Why `value` does not fit a parameter of type `type` (a phrase), or null if it fits. */
export function checkParameterValue(type: ParameterType, value: unknown): string | null {
  switch (type) {
    case "str":
    case "text":
      return typeof value === "string" ? null : "expected a string";
    case "int":
      return isInteger(value) ? null : "expected an integer";
    case "float":
      return typeof value === "number" && Number.isFinite(value) ? null : "expected a finite number";
    case "bool":
      return typeof value === "boolean" ? null : "expected true or false";
    case "enum": {
      if (!hasExactKeys(value, ["index", "values"])) return "expected an object with index and values";
      const { values, index } = value;
      if (!isStringList(values)) return "expected the enum's values to be a list of strings";
      if (new Set(values).size !== values.length) return "the enum lists a value twice";
      if (!isInteger(index)) return "expected the enum's index to be an integer";
      if (values.length === 0) return index === 0 ? null : "an enum without values must have index 0";
      return index >= 0 && index < values.length
        ? null
        : `enum index ${index} is out of range for ${values.length} values`;
    }
    case "list_str":
      return isStringList(value) ? null : "expected a list of strings";
    case "list_int":
      return Array.isArray(value) && value.every(isInteger) ? null : "expected a list of integers";
    case "list_node":
      return hasExactKeys(value, ["value"]) &&
        Array.isArray(value.value) &&
        value.value.every((node) => isObject(node) && "_id" in node)
        ? null
        : "expected a list of node objects with an _id";
    case "code":
      return hasExactKeys(value, ["mode", "value"]) &&
        typeof value.value === "string" &&
        CODE_MODES.includes(value.mode as string)
        ? null
        : `expected code as a string with a mode (${CODE_MODES.join(", ")})`;
    case "color":
      return typeof value === "string" && COLOR_RE.test(value) ? null : "expected a color such as #1e88e5";
    default:
      return `unknown parameter type ${quote(String(type))}`;
  }
}

/** Every problem the editor can see in `nodes` before saving, in node and port order. */
export function validateGraph(nodes: readonly NodeDoc[]): Problem[] {
  const byId = new Map(nodes.map((node) => [node._id, node]));
  const problems: Problem[] = [];
  for (const node of nodes) {
    const title = quote(node.title);
    for (const parameter of node.parameters) {
      const why = checkParameterValue(parameter.parameter_type, parameter.value);
      if (why !== null) {
        problems.push({ nodeId: node._id, parameter: parameter.name, message: `Parameter ${quote(parameter.name)} of ${title}: ${why}.` });
      }
    }
    for (const input of node.inputs) {
      const count = input.values.length;
      if (count < input.min_count) {
        problems.push({
          nodeId: node._id,
          port: input.name,
          message: `Input ${quote(input.name)} of ${title} needs at least ${describeLimit(input.min_count)}, has ${count}.`,
        });
      }
      if (input.max_count !== UNLIMITED && count > input.max_count) {
        problems.push({
          nodeId: node._id,
          port: input.name,
          message: `Input ${quote(input.name)} of ${title} takes at most ${describeLimit(input.max_count)}, has ${count}.`,
        });
      }
      for (const value of input.values) {
        if (isRawValue(value)) {
          if (!valueFitsInput(value.value, input.file_types)) {
            problems.push({
              nodeId: node._id,
              port: input.name,
              message: `Value ${show(value.value)} does not fit input ${quote(input.name)} of ${title} (${input.file_types.join(", ")}).`,
            });
          }
          continue;
        }
        if (!isLink(value)) continue;
        const upstream = byId.get(value.node_id);
        if (!upstream) {
          problems.push({
            nodeId: node._id,
            port: input.name,
            message: `Input ${quote(input.name)} of ${title} is linked to a missing node ${value.node_id}.`,
          });
        } else if (!upstream.outputs.some((port) => port.name === value.output_id)) {
          problems.push({
            nodeId: node._id,
            port: input.name,
            message: `Input ${quote(input.name)} of ${title} is linked to a missing output ${quote(value.output_id)} of ${quote(upstream.title)}.`,
          });
        } else {
          const output = upstream.outputs.find((port) => port.name === value.output_id) as OutputPort;
          if (!input.file_types.includes(output.file_type)) {
            problems.push({
              nodeId: node._id,
              port: input.name,
              message:
                `Output ${quote(output.name)} of ${quote(upstream.title)} is ${output.file_type}, but input ` +
                `${quote(input.name)} of ${title} takes ${input.file_types.join(", ")}.`,
            });
          }
        }
      }
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    const titles = [...cycle, cycle[0]].map((id) => quote((byId.get(id) as NodeDoc).title)).join(" → ");
    for (const id of cycle) {
      problems.push({ nodeId: id, message: `${quote((byId.get(id) as NodeDoc).title)} is on a cycle: ${titles}.` });
    }
  }
  return problems;
}
