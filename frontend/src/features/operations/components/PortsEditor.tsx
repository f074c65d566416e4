import { useState, type ReactNode } from "react";

import type { InputPort, OutputPort } from "@/features/editor/graph/types";
import { UNLIMITED } from "@/features/editor/graph/types";

import type { ResourceKind } from "../api/operation";
import { type Problem, problemsOf } from "./draft";
import { FieldProblems, SectionProblems } from "./Problems";

interface PortsProps<T> {
  ports: readonly T[];
  onChange: (next: T[]) => void;
  readOnly: boolean;
  fileTypes: readonly ResourceKind[];
  problems: readonly Problem[];
}

function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((current, i) => (i === index ? item : current));
}

/** A name no port of `ports` has yet: `base`, `base_2`, ... */
function freshName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

function kindTitle(fileTypes: readonly ResourceKind[], kind: string): string {
  return fileTypes.find((k) => k.kind === kind)?.title ?? kind;
}

/** Whole numbers typed in a count field; what is not one yet stays on screen with its reason. */
function CountField(props: { label: string; value: number; min: number; disabled: boolean; onChange: (value: number) => void }) {
  const [draft, setDraft] = useState<{ text: string; at: number } | null>(null);
  const text = draft !== null && draft.at === props.value ? draft.text : String(props.value);
  const valid = /^\d+$/.test(text.trim()) && Number(text) >= props.min;
  return (
    <input
      type="text"
      inputMode="numeric"
      className="op-count"
      aria-label={props.label}
      aria-invalid={!valid || undefined}
      title={valid ? undefined : `A whole number of ${props.min} or more`}
      disabled={props.disabled}
      value={text}
      onChange={(event) => {
        const typed = event.target.value;
        const ok = /^\d+$/.test(typed.trim()) && Number(typed) >= props.min;
        setDraft({ text: typed, at: ok ? Number(typed) : props.value });
        if (ok) props.onChange(Number(typed));
      }}
    />
  );
}

/** The file types an input takes: chips with a remove button, and a menu to add one. */
function FileTypesField(props: { label: string; value: readonly string[]; fileTypes: readonly ResourceKind[]; disabled: boolean; onChange: (next: string[]) => void }) {
  const { value, fileTypes, disabled } = props;
  const remaining = fileTypes.filter((kind) => !value.includes(kind.kind));
  return (
    <div className="op-types" role="group" aria-label={props.label}>
      {value.map((type) => (
        <span key={type} className="op-chip">
          {kindTitle(fileTypes, type)}
          {!disabled && (
            <button
              type="button"
              aria-label={`Remove file type ${type}`}
              onClick={() => props.onChange(value.filter((t) => t !== type))}
            >
              ×
            </button>
          )}
        </span>
      ))}
      {!disabled && remaining.length > 0 && (
        <select
          aria-label={`Add a file type to ${props.label.replace(/ file types$/, "")}`}
          value=""
          onChange={(event) => event.target.value && props.onChange([...value, event.target.value])}
        >
          <option value="">+ type</option>
          {remaining.map((kind) => (
            <option key={kind.kind} value={kind.kind}>
              {kind.title}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

interface PortsTableProps<T extends { name: string }> extends PortsProps<T> {
  /** "Input" or "Output": names the section, its rows and its buttons. */
  noun: "Input" | "Output";
  empty: string;
  /** Headers of the columns after the name, and their cells for one row. */
  columns: readonly { header: string; title?: string }[];
  cells: (port: T, n: number, update: (fields: Partial<T>) => void) => ReactNode[];
  newPort: (name: string) => T;
}

/** A section of ports: one row each with its name, the other columns, and a remove button; add. */
function PortsTable<T extends { name: string }>(props: PortsTableProps<T>) {
  const { ports, onChange, readOnly, problems, noun } = props;
  const section = noun === "Input" ? "inputs" : "outputs";
  const lower = noun.toLowerCase();
  const names = ports.map((port) => port.name);
  return (
    <section className="op-section" aria-label={`${noun}s`}>
      <h2>{noun}s</h2>
      <SectionProblems problems={problemsOf(problems, section)} names={names} />
      {ports.length === 0 ? (
        <p className="op-empty">{props.empty}</p>
      ) : (
        <table className="op-table">
          <thead>
            <tr>
              <th>Name</th>
              {props.columns.map((column) => (
                <th key={column.header} title={column.title}>
                  {column.header}
                </th>
              ))}
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {ports.map((port, index) => {
              const n = index + 1;
              const update = (fields: Partial<T>) => onChange(replaceAt(ports, index, { ...port, ...fields }));
              return (
                <tr key={index}>
                  <td>
                    <input
                      type="text"
                      aria-label={`${noun} ${n} name`}
                      value={port.name}
                      disabled={readOnly}
                      spellCheck={false}
                      onChange={(event) => update({ name: event.target.value } as Partial<T>)}
                    />
                    <FieldProblems problems={problemsOf(problems, section, port.name)} />
                  </td>
                  {props.cells(port, n, update).map((cell, column) => (
                    <td key={column}>{cell}</td>
                  ))}
                  <td>
                    {!readOnly && (
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove ${lower} ${n}`}
                        title="Remove"
                        onClick={() => onChange(ports.filter((_, i) => i !== index))}
                      >
                        ×
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!readOnly && (
        <button type="button" className="small-button" onClick={() => onChange([...ports, props.newPort(freshName(lower === "input" ? "in" : "out", names))])}>
          + Add {lower}
        </button>
      )}
    </section>
  );
}

const INPUT_COLUMNS = [
  { header: "File types" },
  { header: "Min", title: "The fewest connections the input needs" },
  { header: "Max", title: "The most connections the input takes" },
];

/** The operation's inputs: name, file types, least and most connections; add and remove. */
export function InputsEditor(props: PortsProps<InputPort>) {
  const { readOnly, fileTypes } = props;
  return (
    <PortsTable
      {...props}
      noun="Input"
      empty="No inputs. An operation without inputs starts a workflow."
      columns={INPUT_COLUMNS}
      newPort={(name) => ({ name, file_types: ["file"], values: [], min_count: 1, max_count: 1 })}
      cells={(port, n, update) => [
        <FileTypesField
          key="types"
          label={`Input ${n} file types`}
          value={port.file_types}
          fileTypes={fileTypes}
          disabled={readOnly}
          onChange={(file_types) => update({ file_types })}
        />,
        <CountField key="min" label={`Input ${n} minimum`} value={port.min_count} min={0} disabled={readOnly} onChange={(min_count) => update({ min_count })} />,
        <div key="max" className="op-max">
          {port.max_count !== UNLIMITED && (
            <CountField label={`Input ${n} maximum`} value={port.max_count} min={1} disabled={readOnly} onChange={(max_count) => update({ max_count })} />
          )}
          <label className="op-inline-check">
            <input
              type="checkbox"
              aria-label={`Input ${n} takes any number`}
              checked={port.max_count === UNLIMITED}
              disabled={readOnly}
              onChange={(event) => update({ max_count: event.target.checked ? UNLIMITED : Math.max(1, port.min_count) })}
            />
            any
          </label>
        </div>,
      ]}
    />
  );
}

const OUTPUT_COLUMNS = [{ header: "File type" }];

/** The operation's outputs: name and file type; add and remove. */
export function OutputsEditor(props: PortsProps<OutputPort>) {
  const { readOnly, fileTypes } = props;
  return (
    <PortsTable
      {...props}
      noun="Output"
      empty="No outputs."
      columns={OUTPUT_COLUMNS}
      newPort={(name) => ({ name, file_type: "file", resource_id: null })}
      cells={(port, n, update) => [
        <select key="type" aria-label={`Output ${n} file type`} value={port.file_type} disabled={readOnly} onChange={(event) => update({ file_type: event.target.value })}>
          {!fileTypes.some((kind) => kind.kind === port.file_type) && <option value={port.file_type}>{port.file_type}</option>}
          {fileTypes.map((kind) => (
            <option key={kind.kind} value={kind.kind}>
              {kind.title}
            </option>
          ))}
        </select>,
      ]}
    />
  );
}
