/**
 * Pure helpers of the parameter widgets: labels, default values, parsing typed text, and the
 * links between node parameters and workflow parameters.
 */

import { checkParameterValue } from "../graph/rules";
import type { NodeDoc, Parameter, ParameterType } from "../graph/types";
import { PARAMETER_TYPES } from "../graph/types";

/** The name a parameter is shown under: its widget's alias when it has one, else its name. */
export function parameterLabel(parameter: Pick<Parameter, "name" | "widget">): string {
  const alias = parameter.widget?.alias?.trim();
  return alias ? alias : parameter.name;
}

/** The script of an operation: its `cmd` code parameter (`_cmd` in older documents). */
export function isScriptParameter(parameter: Pick<Parameter, "name" | "parameter_type">): boolean {
  return parameter.parameter_type === "code" && (parameter.name === "cmd" || parameter.name === "_cmd");
}

/** A fresh value of `type`, as the server's `default_value` makes it. */
export function defaultValue(type: ParameterType): unknown {
  switch (type) {
    case "str":
    case "text":
      return "";
    case "int":
      return 0;
    case "float":
      return 0;
    case "bool":
      return false;
    case "enum":
      return { values: [], index: 0 };
    case "list_str":
    case "list_int":
      return [];
    case "list_node":
      return { value: [] };
    case "code":
      return { value: "", mode: "python" };
    case "color":
      return "#ff0000";
  }
}

/** The words the widgets use for a type. */
export const TYPE_LABELS: Record<ParameterType, string> = {
  str: "Text (one line)",
  int: "Integer",
  float: "Number",
  bool: "Yes / no",
  text: "Text (multi-line)",
  enum: "Choice",
  list_str: "List of texts",
  list_int: "List of integers",
  list_node: "List of nodes",
  code: "Code",
  color: "Colour",
};

/** Types a person can create (a node list is made by the platform, not typed in). */
export const EDITABLE_TYPES: readonly ParameterType[] = PARAMETER_TYPES.filter((type) => type !== "list_node");

export type Parsed = { ok: true; value: unknown } | { ok: false; why: string };

/** Read typed text as an integer: the phrase of `checkParameterValue` when it is not one. */
export function parseInteger(text: string): Parsed {
  const trimmed = text.trim();
  const value: unknown = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed === "" ? null : Number(trimmed);
  const why = checkParameterValue("int", value);
  if (why !== null) return { ok: false, why };
  // Beyond 2^53 a JavaScript number no longer holds every integer: the value would change silently.
  if (!Number.isSafeInteger(value)) return { ok: false, why: "the integer is too large" };
  return { ok: true, value };
}

/** Read typed text as a finite number (comma or point as decimal separator is not guessed). */
export function parseFloatText(text: string): Parsed {
  const trimmed = text.trim();
  const value = trimmed === "" ? null : Number(trimmed);
  const why = checkParameterValue("float", value);
  return why === null ? { ok: true, value } : { ok: false, why };
}

/** `#abc` → `#aabbcc`: the colour picker only takes six digits. */
export function sixDigitColor(color: string): string {
  const short = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/.exec(color);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color.toLowerCase() : "#000000";
}

/** Whether two parameter values are the same JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** A name of a parameter, input or output, as the server accepts it (`apps/nodes/documents.py`). */
export const PARAMETER_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** What a valid name is made of, for messages. */
export const NAME_RULE = "use up to 64 letters, digits, _, . and -, starting with a letter, digit or _";

/** Why `name` cannot name a new parameter among `taken`, or null if it can. */
export function checkParameterName(name: string, taken: readonly string[]): string | null {
  if (name.trim() === "") return "A parameter needs a name.";
  if (!PARAMETER_NAME_RE.test(name)) {
    return `"${name}" is not a valid name: ${NAME_RULE}.`;
  }
  if (taken.includes(name)) return `There is already a parameter named "${name}".`;
  return null;
}

/**
 * Link parameter `name` of node `nodeId` to the workflow parameter `reference` (taking its value
 * at once), or unlink it with null. Refused with a sentence when the types differ.
 */
export function linkParameter(
  nodes: readonly NodeDoc[],
  nodeId: string,
  name: string,
  reference: Parameter | null,
): { ok: true; nodes: NodeDoc[] } | { ok: false; reason: string } {
  const node = nodes.find((candidate) => candidate._id === nodeId);
  const parameter = node?.parameters.find((candidate) => candidate.name === name);
  if (!node || !parameter) return { ok: false, reason: `There is no parameter "${name}" to link.` };
  if (reference && reference.parameter_type !== parameter.parameter_type) {
    return {
      ok: false,
      reason: `Parameter "${name}" is ${parameter.parameter_type} and workflow parameter "${reference.name}" is ${reference.parameter_type}: only parameters of the same type can be linked.`,
    };
  }
  const update = (p: Parameter): Parameter =>
    reference ? { ...p, reference: reference.name, value: structuredClone(reference.value) } : { ...p, reference: null };
  return {
    ok: true,
    nodes: nodes.map((n) =>
      n._id === nodeId ? { ...n, parameters: n.parameters.map((p) => (p.name === name ? update(p) : p)) } : n,
    ),
  };
}

/**
 * `nodes` with every linked parameter holding its workflow parameter's current value, with
 * links to a renamed workflow parameter followed (`renamed`: old name → new name) and links to a
 * removed one dropped. Nodes that change nothing are kept by reference.
 */
export function applyWorkflowParameters(
  nodes: readonly NodeDoc[],
  workflowParameters: readonly Parameter[],
  renamed: Readonly<Record<string, string>> = {},
): NodeDoc[] {
  const byName = new Map(workflowParameters.map((p) => [p.name, p]));
  return nodes.map((node) => {
    let changed = false;
    const parameters = node.parameters.map((p) => {
      if (!p.reference) return p;
      const name = renamed[p.reference] ?? p.reference;
      const source = byName.get(name);
      if (!source || source.parameter_type !== p.parameter_type) {
        changed = true;
        return { ...p, reference: null };
      }
      if (name === p.reference && sameValue(source.value, p.value)) return p;
      changed = true;
      return { ...p, reference: name, value: structuredClone(source.value) };
    });
    return changed ? { ...node, parameters } : node;
  });
}
