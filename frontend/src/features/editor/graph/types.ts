/**
 * The server's documents for the nodes of a workflow, as stored in a workflow's `nodes` list
 * (the seed's "Internal data structures"; `apps/nodes/documents.py` on the server).
 *
 * These types are deliberately independent of React Flow and of the generated API types, so the
 * graph core stays a pure module that tests can drive without a browser.
 */

export const PARAMETER_TYPES = [
  "str",
  "int",
  "float",
  "bool",
  "text",
  "enum",
  "list_str",
  "list_int",
  "list_node",
  "code",
  "color",
] as const;

export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Resource types whose values are small enough to be written inline on an unconnected input. */
export const RAW_TYPES = ["int", "float", "str", "bool", "color"] as const;

export type RawType = (typeof RAW_TYPES)[number];

/** `max_count` of an input that takes any number of connections. */
export const UNLIMITED = -1;

export type RawScalar = string | number | boolean;

/** An input fed by another node's output. */
export interface LinkValue {
  node_id: string;
  output_id: string;
}

/** An input fed by a stored resource (an uploaded file). */
export interface ResourceValue {
  resource_id: string;
}

/** An input fed by a value written inline (only for raw types). */
export interface RawValue {
  value: RawScalar | null;
}

export type InputValue = LinkValue | ResourceValue | RawValue;

export interface InputPort {
  name: string;
  file_types: string[];
  values: InputValue[];
  min_count: number;
  max_count: number;
}

export interface OutputPort {
  name: string;
  file_type: string;
  resource_id?: string | null;
}

export interface LogPort {
  name: string;
  file_type: string;
  resource_id?: string | null;
}

export interface Widget {
  alias: string;
}

export interface EnumValue {
  values: string[];
  index: number;
}

export interface CodeValue {
  value: string;
  mode: "python" | "sh";
}

export interface Parameter {
  name: string;
  parameter_type: ParameterType;
  value: unknown;
  mutable_type: boolean;
  removable: boolean;
  publicable: boolean;
  widget: Widget | null;
  /** A workflow parameter this one takes its value from. */
  reference?: string | null;
}

/** One node inside a workflow: a frozen copy of an operation, placed on the canvas. */
export interface NodeDoc {
  _id: string;
  kind: string;
  title: string;
  description: string;
  original_node_id?: string | null;
  inputs: InputPort[];
  outputs: OutputPort[];
  parameters: Parameter[];
  logs: LogPort[];
  x: number;
  y: number;
  /** The sub-nodes of a composite operation; the editor carries them through untouched. */
  nodes?: NodeDoc[];
}

/** A proposed or existing link, in React Flow's vocabulary (handles are port names). */
export interface Connection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export function isLink(value: InputValue): value is LinkValue {
  return "node_id" in value;
}

export function isResource(value: InputValue): value is ResourceValue {
  return "resource_id" in value;
}

export function isRawValue(value: InputValue): value is RawValue {
  return !isLink(value) && !isResource(value);
}

export function isRawType(fileType: string): fileType is RawType {
  return (RAW_TYPES as readonly string[]).includes(fileType);
}
