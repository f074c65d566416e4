import type { Parameter } from "@/features/editor/graph/types";

const SUMMARY_MAX_CHARS = 120;

function cut(text: string): string {
  return text.length > SUMMARY_MAX_CHARS ? `${text.slice(0, SUMMARY_MAX_CHARS - 1)}…` : text;
}

/** A parameter's value in one short line of text (a script as its first line and its length). */
export function summarizeParameter(parameter: Pick<Parameter, "parameter_type" | "value">): string {
  const { parameter_type: type, value } = parameter;
  if (value === null || value === undefined) return "–";
  if (type === "code" && typeof value === "object" && "value" in value) {
    const code = String((value as { value: unknown }).value ?? "");
    const lines = code.split("\n");
    const first = lines.find((line) => line.trim() !== "") ?? "";
    return lines.length > 1 ? `${cut(first.trim())} (${lines.length} lines)` : cut(first.trim()) || "(empty)";
  }
  if (type === "enum" && typeof value === "object" && "values" in value && "index" in value) {
    const { values, index } = value as { values: unknown[]; index: number };
    return String(values[index] ?? "–");
  }
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : cut(value.map(String).join(", "));
  if (typeof value === "string") {
    if (value === "") return "(empty)";
    const lines = value.split("\n");
    return lines.length > 1 ? `${cut(lines[0]!)} (${lines.length} lines)` : cut(value);
  }
  if (typeof value === "object") return cut(JSON.stringify(value));
  return String(value);
}
