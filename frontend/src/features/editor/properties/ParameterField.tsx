import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import { CodeEditor } from "@/components/CodeEditor";

import { checkParameterValue } from "../graph/rules";
import type { CodeValue, EnumValue, Parameter, ParameterType } from "../graph/types";
import { parameterLabel, parseFloatText, parseInteger, sameValue, sixDigitColor, type Parsed } from "./values";
import "./properties.css";

export interface ParameterFieldProps {
  /** The parameter: its name, type and widget alias label the field. */
  parameter: Pick<Parameter, "name" | "parameter_type" | "value" | "widget">;
  /** The value to show when it is not the parameter's own (a linked workflow parameter's). */
  value?: unknown;
  /** Called with a value that fits the type, never with a bad one. */
  onChange: (value: unknown) => void;
  readOnly?: boolean;
  /** A multi-selection whose nodes hold different values: shown as such until edited. */
  mixed?: boolean;
  /** In the operation editor: the choices of an enum and the language of code can be edited too. */
  definition?: boolean;
  /** A label other than the parameter's name or alias. */
  label?: string;
  /** A note under the field (e.g. where a linked value comes from). */
  hint?: ReactNode;
}

/**
 * One parameter's widget, chosen by its type, labelled by its name (or widget alias). Typed text
 * is checked with the graph core's `checkParameterValue`; a value that does not fit is shown with
 * the reason next to the field and is not sent up.
 */
export function ParameterField(props: ParameterFieldProps) {
  const { parameter, readOnly = false, mixed = false, hint } = props;
  const value = props.value === undefined ? parameter.value : props.value;
  const label = props.label ?? parameterLabel(parameter);
  const id = useId();
  const [problem, setProblem] = useState<{ why: string; at: unknown } | null>(null);
  // A problem belongs to the value it was found against: when the value changes from outside
  // (undo, another node selected), the message goes.
  const shownProblem = problem && sameValue(problem.at, value) ? problem.why : null;
  const stored = mixed ? null : checkParameterValue(parameter.parameter_type, value);
  const error = shownProblem ?? (stored !== null ? stored : null);
  const errorId = `${id}-error`;

  const send = (next: unknown) => {
    const why = checkParameterValue(parameter.parameter_type, next);
    if (why !== null) {
      setProblem({ why, at: value });
      return;
    }
    setProblem(null);
    props.onChange(next);
  };
  const refuse = (why: string | null) => setProblem(why === null ? null : { why, at: value });

  const common: WidgetProps = {
    id,
    label,
    value,
    readOnly,
    mixed,
    definition: props.definition ?? false,
    invalid: error !== null,
    describedBy: error !== null ? errorId : undefined,
    send,
    refuse,
  };
  const type = parameter.parameter_type;

  return (
    <div className={`param-field param-type-${type}${error ? " invalid" : ""}`}>
      {type === "bool" ? (
        <BoolWidget {...common} />
      ) : GROUPED.includes(type) ? (
        <div role="group" aria-labelledby={`${id}-label`} className="param-group">
          <FieldHeader mixed={mixed}>
            <span id={`${id}-label`} className="param-label">
              {label}
            </span>
          </FieldHeader>
          <Widget type={type} {...common} />
        </div>
      ) : (
        <>
          <FieldHeader mixed={mixed}>
            {type === "code" ? (
              // The code editor is named by its own aria-label; this is the visible caption.
              <span className="param-label" aria-hidden="true">
                {label}
              </span>
            ) : (
              <label htmlFor={id} className="param-label">
                {label}
              </label>
            )}
          </FieldHeader>
          <Widget type={type} {...common} />
        </>
      )}
      {error !== null && (
        <p id={errorId} className="param-error" role="alert">
          {label}: {error}.
        </p>
      )}
      {hint && <p className="param-hint">{hint}</p>}
    </div>
  );
}

/** Types whose widget is several controls of the same kind, labelled as a group. */
const GROUPED: readonly ParameterType[] = ["list_str", "list_int", "list_node"];

function MixedTag() {
  return <span className="param-mixed">mixed</span>;
}

/** The caption row of a field; "mixed" stays outside the label so the field's name is exact. */
function FieldHeader({ mixed, children }: { mixed: boolean; children: ReactNode }) {
  return (
    <div className="param-header">
      {children}
      {mixed && <MixedTag />}
    </div>
  );
}

interface WidgetProps {
  id: string;
  label: string;
  value: unknown;
  readOnly: boolean;
  mixed: boolean;
  definition: boolean;
  invalid: boolean;
  describedBy: string | undefined;
  /** Check `next` against the type; send it up if it fits, else show why. */
  send: (next: unknown) => void;
  /** Show (or clear, with null) a problem found before a value could be made. */
  refuse: (why: string | null) => void;
}

function Widget({ type, ...props }: WidgetProps & { type: ParameterType }) {
  switch (type) {
    case "str":
      return <StrWidget {...props} />;
    case "text":
      return <TextWidget {...props} />;
    case "int":
      return <NumberWidget {...props} parse={parseInteger} inputMode="numeric" />;
    case "float":
      return <NumberWidget {...props} parse={parseFloatText} inputMode="decimal" />;
    case "bool":
      return <BoolWidget {...props} />;
    case "enum":
      return <EnumWidget {...props} />;
    case "list_str":
      return <ListWidget {...props} kind="str" />;
    case "list_int":
      return <ListWidget {...props} kind="int" />;
    case "list_node":
      return <NodeListSummary {...props} />;
    case "code":
      return <CodeWidget {...props} />;
    case "color":
      return <ColorWidget {...props} />;
  }
}

function fieldProps(props: WidgetProps) {
  return {
    id: props.id,
    disabled: props.readOnly,
    "aria-invalid": props.invalid || undefined,
    "aria-describedby": props.describedBy,
    placeholder: props.mixed ? "Mixed values" : undefined,
  };
}

function StrWidget(props: WidgetProps) {
  const text = props.mixed || typeof props.value !== "string" ? "" : props.value;
  return <input type="text" {...fieldProps(props)} value={text} onChange={(event) => props.send(event.target.value)} />;
}

function TextWidget(props: WidgetProps) {
  const text = props.mixed || typeof props.value !== "string" ? "" : props.value;
  return <textarea {...fieldProps(props)} rows={4} value={text} onChange={(event) => props.send(event.target.value)} />;
}

/**
 * What the person typed, kept while it is not a value yet ("1.", "-", "abc"), and the value it
 * was typed against: when the value changes from outside, the text follows the new value.
 */
function useDraft(value: unknown, format: () => string): [string, (text: string, at: unknown) => void] {
  const [draft, setDraft] = useState<{ text: string; at: unknown } | null>(null);
  const text = draft !== null && sameValue(draft.at, value) ? draft.text : format();
  return [text, (next, at) => setDraft({ text: next, at })];
}

function NumberWidget(props: WidgetProps & { parse: (text: string) => Parsed; inputMode: "numeric" | "decimal" }) {
  const { value, mixed, parse } = props;
  const [text, setText] = useDraft(value, () => (mixed || typeof value !== "number" ? "" : String(value)));
  return (
    <input
      type="text"
      inputMode={props.inputMode}
      autoComplete="off"
      {...fieldProps(props)}
      value={text}
      onChange={(event) => {
        const typed = event.target.value;
        const parsed = parse(typed);
        if (parsed.ok) {
          setText(typed, parsed.value);
          props.send(parsed.value);
        } else {
          setText(typed, value);
          props.refuse(parsed.why);
        }
      }}
    />
  );
}

function BoolWidget(props: WidgetProps) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = props.mixed;
  }, [props.mixed]);
  return (
    <div className="param-check">
      <input
        ref={ref}
        type="checkbox"
        {...fieldProps(props)}
        placeholder={undefined}
        checked={!props.mixed && props.value === true}
        onChange={(event) => props.send(event.target.checked)}
      />
      <label htmlFor={props.id} className="param-label">
        {props.label}
      </label>
      {props.mixed && <MixedTag />}
    </div>
  );
}

function asEnum(value: unknown): EnumValue {
  if (typeof value === "object" && value !== null && Array.isArray((value as EnumValue).values)) {
    const { values, index } = value as EnumValue;
    return { values: values.map(String), index: typeof index === "number" ? index : 0 };
  }
  return { values: [], index: 0 };
}

/**
 * Rows being edited and the value they were typed against: rows that do not make a valid value
 * yet (a duplicate choice, "12x") stay on screen until the value changes from outside.
 */
function useRows(value: unknown, rowsOf: () => string[]) {
  const [draft, setDraft] = useState<{ rows: string[]; at: unknown; bad: number | null } | null>(null);
  const active = draft !== null && sameValue(draft.at, value);
  return {
    rows: active ? draft.rows : rowsOf(),
    bad: active ? draft.bad : null,
    keep: (rows: string[], at: unknown, bad: number | null = null) => setDraft({ rows, at, bad }),
  };
}

function EnumWidget(props: WidgetProps) {
  const current = asEnum(props.value);
  const choices = useRows(props.value, () => current.values);
  const choose = (index: number) => props.send({ values: current.values, index });
  return (
    <div className="param-enum">
      {current.values.length === 0 ? (
        !props.definition && <p className="param-hint">No choices yet.</p>
      ) : (
        <select
          {...fieldProps(props)}
          value={props.mixed ? "" : String(current.index)}
          onChange={(event) => choose(Number(event.target.value))}
        >
          {props.mixed && (
            <option value="" disabled>
              Mixed values
            </option>
          )}
          {current.values.map((choice, index) => (
            <option key={index} value={index}>
              {choice}
            </option>
          ))}
        </select>
      )}
      {props.definition && (
        <RowsEditor
          itemLabel="Choice"
          addLabel="Add choice"
          empty="No choices yet: add the values to choose from."
          rows={choices.rows}
          readOnly={props.readOnly}
          onRows={(rows) => {
            const index = Math.max(0, Math.min(current.index, rows.length - 1));
            const next = { values: rows, index: rows.length === 0 ? 0 : index };
            const fits = checkParameterValue("enum", next) === null;
            choices.keep(rows, fits ? next : props.value);
            props.send(next);
          }}
          newRow={() => `choice ${current.values.length + 1}`}
        />
      )}
    </div>
  );
}

/** Rows of text with add and remove buttons; each row is labelled "<itemLabel> <n>". */
function RowsEditor(props: {
  itemLabel: string;
  addLabel: string;
  empty: string;
  rows: readonly string[];
  readOnly: boolean;
  onRows: (rows: string[]) => void;
  newRow: () => string;
  inputMode?: "numeric";
  invalidRow?: number | null;
}) {
  const { rows, readOnly } = props;
  return (
    <div className="param-rows">
      {rows.length === 0 && <p className="param-hint">{props.empty}</p>}
      <ol>
        {rows.map((row, index) => (
          <li key={index}>
            <input
              type="text"
              inputMode={props.inputMode}
              aria-label={`${props.itemLabel} ${index + 1}`}
              aria-invalid={props.invalidRow === index || undefined}
              disabled={readOnly}
              value={row}
              onChange={(event) => props.onRows(rows.map((r, i) => (i === index ? event.target.value : r)))}
            />
            {!readOnly && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${props.itemLabel.toLowerCase()} ${index + 1}`}
                title="Remove"
                onClick={() => props.onRows(rows.filter((_, i) => i !== index))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ol>
      {!readOnly && (
        <button type="button" className="small-button" onClick={() => props.onRows([...rows, props.newRow()])}>
          + {props.addLabel}
        </button>
      )}
    </div>
  );
}

function ListWidget(props: WidgetProps & { kind: "str" | "int" }) {
  const { value, mixed, kind } = props;
  const list = useRows(value, () => (Array.isArray(value) && !mixed ? value.map(String) : []));
  const onRows = (next: string[]) => {
    if (kind === "str") {
      list.keep(next, next);
      props.send(next);
      return;
    }
    const parsed = next.map(parseInteger);
    const bad = parsed.findIndex((p) => !p.ok);
    if (bad >= 0) {
      list.keep(next, value, bad);
      props.refuse(`item ${bad + 1}: ${(parsed[bad] as { why: string }).why}`);
      return;
    }
    const values = parsed.map((p) => (p as { value: number }).value);
    list.keep(next, values);
    props.send(values);
  };
  return (
    <RowsEditor
      itemLabel="Item"
      addLabel="Add item"
      empty="Empty list."
      rows={list.rows}
      readOnly={props.readOnly}
      inputMode={kind === "int" ? "numeric" : undefined}
      invalidRow={list.bad}
      onRows={onRows}
      newRow={() => (kind === "int" ? "0" : "")}
    />
  );
}

function NodeListSummary(props: WidgetProps) {
  const list = (props.value as { value?: unknown } | null)?.value;
  const nodes = Array.isArray(list) ? (list as { _id?: unknown; title?: unknown }[]) : [];
  if (nodes.length === 0) return <p className="param-hint">No nodes.</p>;
  return (
    <ul className="param-node-list">
      {nodes.map((node, index) => (
        <li key={index}>{typeof node.title === "string" && node.title !== "" ? node.title : String(node._id)}</li>
      ))}
    </ul>
  );
}

function asCode(value: unknown): CodeValue {
  const code = value as Partial<CodeValue> | null;
  return {
    value: typeof code?.value === "string" ? code.value : "",
    mode: code?.mode === "sh" ? "sh" : "python",
  };
}

function CodeWidget(props: WidgetProps) {
  const code = asCode(props.value);
  return (
    <div className="param-code">
      {props.mixed && <p className="param-hint">The selected nodes differ; an edit sets this code on all of them.</p>}
      {props.definition && (
        <label className="param-inline">
          Language
          <select
            value={code.mode}
            disabled={props.readOnly}
            onChange={(event) => props.send({ value: code.value, mode: event.target.value })}
          >
            <option value="python">Python</option>
            <option value="sh">Shell</option>
          </select>
        </label>
      )}
      <CodeEditor
        value={code.value}
        language={code.mode === "sh" ? "shell" : "python"}
        readOnly={props.readOnly}
        label={props.label}
        maxHeight="24rem"
        onChange={(text) => props.send({ value: text, mode: code.mode })}
      />
    </div>
  );
}

function ColorWidget(props: WidgetProps) {
  const { value, mixed } = props;
  const [text, setText] = useDraft(value, () => (mixed || typeof value !== "string" ? "" : value));
  const update = (typed: string) => {
    const why = checkParameterValue("color", typed);
    if (why === null) {
      setText(typed, typed.toLowerCase());
      props.send(typed.toLowerCase());
    } else {
      setText(typed, value);
      props.refuse(why);
    }
  };
  return (
    <div className="param-color">
      <input
        type="color"
        aria-label="Colour picker"
        disabled={props.readOnly}
        value={typeof value === "string" && !mixed ? sixDigitColor(value) : "#000000"}
        onChange={(event) => update(event.target.value)}
      />
      <input
        type="text"
        {...fieldProps(props)}
        spellCheck={false}
        maxLength={7}
        value={text}
        onChange={(event) => update(event.target.value)}
      />
    </div>
  );
}
