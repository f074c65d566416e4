/**
 * Pure helpers of the operation editor: the script parameter, checks made before saving, and
 * the server's refusals mapped to the fields they name.
 */

import { ApiError } from "@/lib/api/client";
import { checkParameterValue } from "@/features/editor/graph/rules";
import type { Parameter } from "@/features/editor/graph/types";
import { UNLIMITED } from "@/features/editor/graph/types";
import { NAME_RULE, PARAMETER_NAME_RE, isScriptParameter } from "@/features/editor/properties/values";

import type { OperationDraft, ValidationTree } from "../api/operation";

export type Section = "general" | "inputs" | "outputs" | "parameters" | "script";

/** A problem to show next to a field: a section, and the name of the row it concerns if any. */
export interface Problem {
  section: Section;
  /** The input, output or parameter name (or "title"/"description" in the general section). */
  name?: string;
  message: string;
}

/** The script of the operation (its `cmd` code parameter), or undefined for kinds without one. */
export function scriptParameter(draft: Pick<OperationDraft, "parameters">): Parameter | undefined {
  return draft.parameters.find(isScriptParameter);
}

function duplicates(names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) (seen.has(name) ? twice : seen).add(name);
  return twice;
}

function checkNames(section: Section, what: string, names: readonly string[], problems: Problem[]) {
  // A name used twice is one problem, shown next to each row that has it.
  const twice = duplicates(names);
  const told = new Set<string>();
  names.forEach((name, index) => {
    if (name.trim() === "") {
      problems.push({ section, name, message: `${what} ${index + 1} needs a name.` });
    } else if (!PARAMETER_NAME_RE.test(name)) {
      problems.push({
        section,
        name,
        message: `${what} name "${name}" is not valid: ${NAME_RULE}.`,
      });
    } else if (twice.has(name) && !told.has(name)) {
      told.add(name);
      problems.push({ section, name, message: `Two ${what.toLowerCase()}s are named "${name}".` });
    }
  });
}

/** What keeps `draft` from being saved, found without the server; empty when it can be saved. */
export function checkDraft(draft: OperationDraft): Problem[] {
  const problems: Problem[] = [];
  if (draft.title.trim() === "") problems.push({ section: "general", name: "title", message: "The operation needs a title." });
  checkNames("inputs", "Input", draft.inputs.map((input) => input.name), problems);
  draft.inputs.forEach((input, index) => {
    const label = `Input ${input.name ? `"${input.name}"` : index + 1}`;
    if (input.file_types.length === 0) {
      problems.push({ section: "inputs", name: input.name, message: `${label} needs at least one file type.` });
    }
    if (!Number.isInteger(input.min_count) || input.min_count < 0) {
      problems.push({ section: "inputs", name: input.name, message: `${label}: the minimum must be a whole number of 0 or more.` });
    }
    if (input.max_count !== UNLIMITED && (!Number.isInteger(input.max_count) || input.max_count < 1)) {
      problems.push({ section: "inputs", name: input.name, message: `${label}: the maximum must be a whole number of 1 or more.` });
    } else if (input.max_count !== UNLIMITED && input.max_count < input.min_count) {
      problems.push({
        section: "inputs",
        name: input.name,
        message: `${label}: the maximum (${input.max_count}) is less than the minimum (${input.min_count}).`,
      });
    }
  });
  checkNames("outputs", "Output", draft.outputs.map((output) => output.name), problems);
  draft.outputs.forEach((output, index) => {
    if (output.file_type === "") {
      problems.push({ section: "outputs", name: output.name, message: `Output ${output.name ? `"${output.name}"` : index + 1} needs a file type.` });
    }
  });
  const shown = draft.parameters.filter((p) => !isScriptParameter(p));
  checkNames("parameters", "Parameter", shown.map((p) => p.name), problems);
  for (const parameter of draft.parameters) {
    const why = checkParameterValue(parameter.parameter_type, parameter.value);
    if (why !== null) {
      problems.push({
        section: isScriptParameter(parameter) ? "script" : "parameters",
        name: parameter.name,
        message: `Parameter "${parameter.name}": ${why}.`,
      });
    }
  }
  return problems;
}

const SECTION_OF_FIELD: Record<string, Section> = {
  title: "general",
  description: "general",
  kind: "general",
  node_status: "general",
  inputs: "inputs",
  outputs: "outputs",
  parameters: "parameters",
  logs: "general",
  successor: "general",
};

const SECTION_OF_TARGET: Record<string, Section> = {
  INPUT: "inputs",
  PARAMETER: "parameters",
  PROPERTY: "general",
};

function leaves(tree: ValidationTree): ValidationTree[] {
  return tree.children.length === 0 ? [tree] : tree.children.flatMap(leaves);
}

function isTree(value: unknown): value is ValidationTree {
  return typeof value === "object" && value !== null && "target" in value && Array.isArray((value as ValidationTree).children);
}

/**
 * The problems a refused request names: DRF field errors (`{"inputs": ["..."]}`) go to their
 * section; an approval's validation tree goes to the input, parameter or property it targets
 * (the script's problems to the script).
 */
export function problemsFromError(error: unknown): Problem[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const body = error.body;
  if (body && typeof body === "object" && isTree(body.validation_error)) {
    return leaves(body.validation_error).map((leaf) => {
      const section = SECTION_OF_TARGET[leaf.target] ?? "general";
      const isScript = section === "parameters" && (leaf.object_id === "cmd" || leaf.object_id === "_cmd");
      return { section: isScript ? "script" : section, name: leaf.object_id, message: leaf.message };
    });
  }
  return Object.entries(error.fieldErrors).flatMap(([field, messages]) =>
    messages.map((message) => ({
      section: SECTION_OF_FIELD[field] ?? "general",
      name: field === "title" || field === "description" ? field : undefined,
      message: SECTION_OF_FIELD[field] ? message : `${field}: ${message}`,
    })),
  );
}

/** The problems of `section` (and of the row `name`, when given). */
export function problemsOf(problems: readonly Problem[], section: Section, name?: string): Problem[] {
  return problems.filter((p) => p.section === section && (name === undefined || p.name === name));
}
