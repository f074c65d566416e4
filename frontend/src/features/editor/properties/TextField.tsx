import { useId, type ReactNode } from "react";

import "./properties.css";

export interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  /** Several lines (a description) instead of one. */
  rows?: number;
  invalid?: boolean;
  /** Messages under the field (problems, hints). */
  children?: ReactNode;
}

/** A labelled text field of the editors (a title, a description). */
export function TextField({ label, value, onChange, disabled = false, rows, invalid = false, children }: TextFieldProps) {
  const id = useId();
  const common = {
    id,
    value,
    disabled,
    "aria-invalid": invalid || undefined,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
  };
  return (
    <div className="param-field">
      <label htmlFor={id} className="param-label">
        {label}
      </label>
      {rows ? <textarea rows={rows} {...common} /> : <input type="text" {...common} />}
      {children}
    </div>
  );
}
