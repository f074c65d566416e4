import type { Parameter, ParameterType } from "@/features/editor/graph/types";
import { ParameterField } from "@/features/editor/properties/ParameterField";
import { EDITABLE_TYPES, TYPE_LABELS, defaultValue, isScriptParameter } from "@/features/editor/properties/values";

import { type Problem, problemsOf } from "./draft";
import { FieldProblems, SectionProblems } from "./Problems";

export interface ParametersEditorProps {
  /** Every parameter of the operation; the script is edited elsewhere and left as it is here. */
  parameters: readonly Parameter[];
  onChange: (next: Parameter[]) => void;
  readOnly: boolean;
  problems: readonly Problem[];
}

function freshName(taken: readonly string[]): string {
  let n = 1;
  while (taken.includes(`param_${n}`)) n++;
  return `param_${n}`;
}

/**
 * The operation's parameters: name, type, default value (with the parameter's own widget),
 * whether workflows show it (and under which label); add and remove. The platform's parameters
 * (`cacheable`, `_timeout`) keep their name and type.
 */
export function ParametersEditor({ parameters, onChange, readOnly, problems }: ParametersEditorProps) {
  const names = parameters.map((p) => p.name);
  const rows = parameters.map((parameter, index) => ({ parameter, index })).filter(({ parameter }) => !isScriptParameter(parameter));
  const update = (index: number, next: Parameter) => onChange(parameters.map((p, i) => (i === index ? next : p)));

  return (
    <section className="op-section" aria-label="Parameters">
      <h2>Parameters</h2>
      <SectionProblems problems={problemsOf(problems, "parameters")} names={names} />
      {rows.length === 0 && <p className="op-empty">No parameters.</p>}
      <ol className="op-params">
        {rows.map(({ parameter, index }, position) => {
          const n = position + 1;
          const platform = !parameter.removable;
          const rename = (name: string) =>
            update(index, {
              ...parameter,
              name,
              widget: parameter.widget && parameter.widget.alias === parameter.name ? { alias: name } : parameter.widget,
            });
          return (
            <li key={index} className="op-param">
              <div className="op-param-head">
                <input
                  type="text"
                  className="op-param-name"
                  aria-label={`Parameter ${n} name`}
                  value={parameter.name}
                  spellCheck={false}
                  disabled={readOnly || platform}
                  title={platform ? "A parameter of the platform keeps its name" : undefined}
                  onChange={(event) => rename(event.target.value)}
                />
                <select
                  aria-label={`Parameter ${n} type`}
                  value={parameter.parameter_type}
                  disabled={readOnly || !parameter.mutable_type}
                  onChange={(event) => {
                    const type = event.target.value as ParameterType;
                    update(index, { ...parameter, parameter_type: type, value: defaultValue(type) });
                  }}
                >
                  {EDITABLE_TYPES.includes(parameter.parameter_type) ? null : (
                    <option value={parameter.parameter_type}>{TYPE_LABELS[parameter.parameter_type] ?? parameter.parameter_type}</option>
                  )}
                  {EDITABLE_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {TYPE_LABELS[type]}
                    </option>
                  ))}
                </select>
                <label className="op-inline-check" title="Workflows show the parameter in the node's properties">
                  <input
                    type="checkbox"
                    aria-label={`Parameter ${n} shown in workflows`}
                    checked={parameter.widget !== null}
                    disabled={readOnly}
                    onChange={(event) => update(index, { ...parameter, widget: event.target.checked ? { alias: parameter.name } : null })}
                  />
                  Shown in workflows
                </label>
                {!readOnly && !platform && (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove parameter ${n}`}
                    title="Remove"
                    onClick={() => onChange(parameters.filter((_, i) => i !== index))}
                  >
                    ×
                  </button>
                )}
              </div>
              {parameter.widget !== null && (
                <label className="op-alias">
                  Label in workflows
                  <input
                    type="text"
                    aria-label={`Parameter ${n} label in workflows`}
                    value={parameter.widget.alias}
                    disabled={readOnly}
                    placeholder={parameter.name}
                    onChange={(event) => update(index, { ...parameter, widget: { alias: event.target.value } })}
                  />
                </label>
              )}
              <ParameterField
                parameter={parameter}
                label={parameter.name || `Parameter ${n}`}
                definition
                readOnly={readOnly}
                onChange={(value) => update(index, { ...parameter, value })}
                hint={parameter.parameter_type === "code" ? undefined : "Default value"}
              />
              <FieldProblems problems={problemsOf(problems, "parameters", parameter.name)} />
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <button
          type="button"
          className="small-button"
          onClick={() =>
            onChange([
              ...parameters,
              {
                name: freshName(names),
                parameter_type: "str",
                value: "",
                mutable_type: true,
                removable: true,
                publicable: true,
                widget: { alias: freshName(names) },
                reference: null,
              },
            ])
          }
        >
          + Add parameter
        </button>
      )}
    </section>
  );
}
