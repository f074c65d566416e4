/** Builders of node documents for the graph core's tests. */

import type { InputPort, InputValue, NodeDoc, OutputPort, Parameter, ParameterType } from "./types";

/** The `n`th test id, in the server's format (24 hex digits). */
export function oid(n: number): string {
  return n.toString(16).padStart(24, "0");
}

export function input(name: string, fileTypes: string[], values: InputValue[] = [], minCount = 1, maxCount = 1): InputPort {
  return { name, file_types: fileTypes, values, min_count: minCount, max_count: maxCount };
}

export function output(name: string, fileType: string): OutputPort {
  return { name, file_type: fileType, resource_id: null };
}

export function parameter(name: string, type: ParameterType, value: unknown): Parameter {
  return {
    name,
    parameter_type: type,
    value,
    mutable_type: false,
    removable: false,
    publicable: true,
    widget: { alias: name },
    reference: null,
  };
}

export function link(nodeId: string, outputId: string): InputValue {
  return { node_id: nodeId, output_id: outputId };
}

export function node(id: string, fields: Partial<NodeDoc> = {}): NodeDoc {
  return {
    _id: id,
    kind: "basic-bash-jinja2-operation",
    title: `Node ${id.slice(-2)}`,
    description: "",
    original_node_id: null,
    inputs: [],
    outputs: [],
    parameters: [],
    logs: [],
    x: 0,
    y: 0,
    ...fields,
  };
}

/** A deterministic pseudo-random generator (mulberry32) so property tests are reproducible. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic id factory: 0…01, 0…02, ... from `start`. */
export function counterIds(start = 0x100): () => string {
  let next = start;
  return () => oid(next++);
}
