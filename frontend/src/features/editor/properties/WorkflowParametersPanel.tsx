import { useId, useState, type FormEvent } from "react";

import type { Parameter, ParameterType } from "../graph/types";
import { ParameterField } from "./ParameterField";
import { EDITABLE_TYPES, TYPE_LABELS, checkParameterName, defaultValue } from "./values";
import "./properties.css";

export interface WorkflowParametersPanelProps {
  parameters: readonly Parameter[];
  readOnly: boolean;
  onChange: (next: Parameter[]) => void;
  /**
   * Told when a parameter is renamed (`from` → `to`) or removed (`to` null), so node parameters
   * linked to it can follow (see `applyWorkflowParameters`).
   */
  onRename?: (from: string, to: string | null) => void;
}

/** A new workflow parameter of `type`, with the type's default value. */
export function newWorkflowParameter(name: string, type: ParameterType): Parameter {
  return {
    name,
    parameter_type: type,
    value: defaultValue(type),
    mutable_type: false,
    removable: true,
    publicable: true,
    widget: { alias: name },
    reference: null,
  };
}

/** The workflow's own parameters: add (name and type), edit the value, rename, remove. */
export function WorkflowParametersPanel({ parameters, readOnly, onChange, onRename }: WorkflowParametersPanelProps) {
  const id = useId();
  const [name, setName] = useState("");
  const [type, setType] = useState<ParameterType>("str");
  const [addError, setAddError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ from: string; text: string; error: string | null } | null>(null);
  const names = parameters.map((p) => p.name);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    const why = checkParameterName(trimmed, names);
    if (why !== null) {
      setAddError(why);
      return;
    }
    setAddError(null);
    setName("");
    onChange([...parameters, newWorkflowParameter(trimmed, type)]);
  };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    if (!renaming) return;
    const to = renaming.text.trim();
    if (to === renaming.from) {
      setRenaming(null);
      return;
    }
    const why = checkParameterName(
      to,
      names.filter((n) => n !== renaming.from),
    );
    if (why !== null) {
      setRenaming({ ...renaming, error: why });
      return;
    }
    onChange(
      parameters.map((p) =>
        p.name === renaming.from ? { ...p, name: to, widget: p.widget ? { ...p.widget, alias: to } : p.widget } : p,
      ),
    );
    onRename?.(renaming.from, to);
    setRenaming(null);
  };

  const remove = (target: string) => {
    onChange(parameters.filter((p) => p.name !== target));
    onRename?.(target, null);
    if (renaming?.from === target) setRenaming(null);
  };

  return (
    <section className="wf-params" aria-label="Workflow parameters">
      <h2>Workflow parameters</h2>
      {parameters.length === 0 && (
        <p className="props-empty">
          None yet. A workflow parameter sets the same value on every node parameter linked to it.
        </p>
      )}
      <ul className="wf-params-list">
        {parameters.map((parameter) => (
          <li key={parameter.name} className="wf-params-item">
            <div className="wf-params-row">
              <span>{TYPE_LABELS[parameter.parameter_type] ?? parameter.parameter_type}</span>
              {!readOnly && renaming?.from !== parameter.name && (
                <span className="wf-params-actions">
                  <button
                    type="button"
                    onClick={() => setRenaming({ from: parameter.name, text: parameter.name, error: null })}
                  >
                    Rename
                  </button>
                  <button type="button" onClick={() => remove(parameter.name)}>
                    Remove
                  </button>
                </span>
              )}
            </div>
            {renaming?.from === parameter.name && (
              <form className="wf-params-rename" onSubmit={rename}>
                <input
                  type="text"
                  aria-label="New name"
                  autoFocus
                  value={renaming.text}
                  aria-invalid={renaming.error !== null || undefined}
                  onChange={(event) => setRenaming({ ...renaming, text: event.target.value, error: null })}
                  onKeyDown={(event) => {
                    if (event.key === "Escape") setRenaming(null);
                  }}
                />
                <button type="submit" className="primary">
                  Save name
                </button>
                <button type="button" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            )}
            {renaming?.from === parameter.name && renaming.error && (
              <p className="param-error" role="alert">
                {renaming.error}
              </p>
            )}
            <ParameterField
              parameter={parameter}
              label={parameter.name}
              readOnly={readOnly}
              onChange={(value) => onChange(parameters.map((p) => (p.name === parameter.name ? { ...p, value } : p)))}
            />
          </li>
        ))}
      </ul>
      {!readOnly && (
        <form className="wf-params-form" onSubmit={add} aria-label="Add a workflow parameter">
          <label htmlFor={`${id}-name`}>
            Name
            <input
              id={`${id}-name`}
              type="text"
              value={name}
              autoComplete="off"
              aria-invalid={addError !== null || undefined}
              onChange={(event) => {
                setName(event.target.value);
                setAddError(null);
              }}
            />
          </label>
          <label htmlFor={`${id}-type`}>
            Type
            <select id={`${id}-type`} value={type} onChange={(event) => setType(event.target.value as ParameterType)}>
              {EDITABLE_TYPES.map((option) => (
                <option key={option} value={option}>
                  {TYPE_LABELS[option]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Add parameter</button>
        </form>
      )}
      {addError && (
        <p className="param-error" role="alert">
          {addError}
        </p>
      )}
    </section>
  );
}
