import { useState, type KeyboardEvent } from "react";

import type { InputPort, RawScalar, RawType } from "../graph/types";
import { isRawType, isRawValue } from "../graph/types";

/** The inline value an unconnected input holds, or null. */
export function inlineValue(input: InputPort): RawScalar | null {
  const raw = input.values.find(isRawValue);
  return raw ? raw.value : null;
}

/** The raw type an inline value of `input` is edited as (the first raw type it accepts), or null. */
export function inlineType(input: InputPort): RawType | null {
  return input.file_types.find(isRawType) ?? null;
}

/** Text the user typed as a value of `type`; undefined when it is not one (the field shows why). */
function parse(text: string, type: RawType): RawScalar | null | undefined {
  if (text.trim() === "") return type === "str" ? text : null;
  if (type === "int") return /^-?\d+$/.test(text.trim()) ? Number(text) : undefined;
  if (type === "float") {
    const number = Number(text);
    return Number.isFinite(number) ? number : undefined;
  }
  return text;
}

interface InlineValueProps {
  input: InputPort;
  type: RawType;
  readOnly: boolean;
  onChange: (value: RawScalar | null) => void;
}

/**
 * The editor of an unconnected input of a primitive type, drawn inside its node. Text and numbers
 * are committed on Enter or when the field loses focus (one undo step per value, not per key);
 * a checkbox and a colour take effect at once.
 */
export function InlineValue({ input, type, readOnly, onChange }: InlineValueProps) {
  const value = inlineValue(input);
  const shown = value === null ? "" : String(value);
  const [draft, setDraft] = useState<string | null>(null);
  const label = `${input.name} value`;

  if (type === "bool") {
    return (
      <input
        type="checkbox"
        className="nodrag inline-value inline-bool"
        aria-label={label}
        checked={value === true}
        disabled={readOnly}
        onChange={(event) => onChange(event.target.checked)}
      />
    );
  }
  if (type === "color") {
    return (
      <input
        type="color"
        className="nodrag inline-value inline-color"
        aria-label={label}
        value={typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value) ? value : "#000000"}
        disabled={readOnly}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }

  const text = draft ?? shown;
  const parsed = parse(text, type);
  // Text that is not a value of the type stays in the field, marked, until fixed or Escape.
  const commit = () => {
    if (draft === null || parsed === undefined) return;
    setDraft(null);
    if (parsed !== value) onChange(parsed);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") commit();
    if (event.key === "Escape") setDraft(null);
  };
  return (
    <input
      type="text"
      inputMode={type === "str" ? "text" : "decimal"}
      className={`nodrag inline-value${parsed === undefined ? " invalid" : ""}`}
      aria-label={label}
      aria-invalid={parsed === undefined}
      title={parsed === undefined ? `Not a valid ${type}` : undefined}
      placeholder={type}
      value={text}
      readOnly={readOnly}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={onKeyDown}
    />
  );
}
