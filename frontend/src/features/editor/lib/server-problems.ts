/**
 * The server's validation tree (`/workflows/{id}/validate/`) as the editor's problems.
 *
 * The tree nests a node's problems under a NODE (or IN_DEPENDENTS) entry whose `object_id` is the
 * node's id; a leaf names an INPUT or PARAMETER by name, or the node or the graph itself.
 */

import type { Problem } from "../graph/rules";

interface ValidationNode {
  target?: string;
  object_id?: string;
  validation_code?: string;
  message?: string;
  children?: ValidationNode[];
}

function isValidationNode(value: unknown): value is ValidationNode {
  return typeof value === "object" && value !== null;
}

/** A readable sentence for a leaf without a message. */
function describe(leaf: ValidationNode): string {
  const code = (leaf.validation_code ?? "problem").replace(/_/g, " ").toLowerCase();
  const what = leaf.target ? `${leaf.target.toLowerCase()} ${leaf.object_id ?? ""}`.trim() : "the workflow";
  return `${code.charAt(0).toUpperCase()}${code.slice(1)}: ${what}.`;
}

/** `text` as a sentence: a capital first letter and a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The leaves of `tree` as problems, each a sentence that names its node (`titles`: node id →
 * title); a problem of the graph as a whole has `nodeId` "".
 */
export function serverProblems(tree: unknown, titles: ReadonlyMap<string, string>): Problem[] {
  const problems: Problem[] = [];
  const walk = (entry: ValidationNode, nodeId: string) => {
    const here = entry.object_id && titles.has(entry.object_id) ? entry.object_id : nodeId;
    const children = (entry.children ?? []).filter(isValidationNode);
    if (children.length > 0) {
      children.forEach((child) => walk(child, here));
      return;
    }
    if (entry.validation_code === "IN_DEPENDENTS" && !entry.message) return;
    const title = titles.get(here);
    let message = entry.message || describe(entry);
    // "on a cycle" says little without the node it is about.
    if (title && !message.includes(title)) message = `"${title}": ${message}`;
    const problem: Problem = { nodeId: here, message: sentence(message) };
    if (entry.target === "INPUT" && entry.object_id) problem.port = entry.object_id;
    if (entry.target === "PARAMETER" && entry.object_id) problem.parameter = entry.object_id;
    problems.push(problem);
  };
  if (isValidationNode(tree)) walk(tree, "");
  return problems;
}
