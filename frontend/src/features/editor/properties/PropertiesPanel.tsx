import { useId, useState } from "react";

import { setParameter, setParameterOnNodes, sharedParameters } from "../graph/edit";
import type { NodeDoc, Parameter } from "../graph/types";
import { ParameterField } from "./ParameterField";
import { TextField } from "./TextField";
import { isScriptParameter, linkParameter } from "./values";

export { isScriptParameter };
import "./properties.css";

export interface NodeLink {
  name: string;
  href: string;
}

export interface NodeLinks {
  outputs: NodeLink[];
  logs: NodeLink[];
}

export interface PropertiesPanelProps {
  graph: readonly NodeDoc[];
  selectedIds: readonly string[];
  readOnly: boolean;
  onChange: (next: NodeDoc[]) => void;
  /** The workflow's own parameters, which node parameters of the same type can be linked to. */
  workflowParameters?: readonly Parameter[];
  /** Where a node's outputs and logs can be opened (a run's results). */
  nodeLinks?: (nodeId: string) => NodeLinks;
}

/**
 * The properties of the selected node(s): for one node its title, description, kind, every
 * parameter with its widget (linkable to a workflow parameter) and links to its results; for
 * several, the parameters they share, edited on all of them at once.
 */
export function PropertiesPanel(props: PropertiesPanelProps) {
  const { graph, selectedIds } = props;
  const selected = graph.filter((node) => selectedIds.includes(node._id));
  return (
    <aside className="props-panel" aria-label="Properties">
      <h2>Properties</h2>
      {selected.length === 0 ? (
        <p className="props-empty">Select a node to see and edit its properties.</p>
      ) : selected.length === 1 ? (
        <SingleNode key={selected[0]._id} node={selected[0]} {...props} />
      ) : (
        <MultipleNodes key={selected.map((node) => node._id).join(",")} nodes={selected} {...props} />
      )}
    </aside>
  );
}

/** The sentence of the last refused edit, shown until the next edit succeeds. */
function useRefusal(): [string | null, (reason: string | null) => void] {
  return useState<string | null>(null);
}

function Refusal({ reason }: { reason: string | null }) {
  if (reason === null) return null;
  return (
    <p className="props-message" role="alert">
      {reason}
    </p>
  );
}

function SingleNode({ node, graph, readOnly, onChange, workflowParameters = [], nodeLinks }: PropertiesPanelProps & { node: NodeDoc }) {
  const [refusal, setRefusal] = useRefusal();
  const id = useId();
  const [titleDraft, setTitleDraft] = useState<{ text: string; at: string } | null>(null);
  const titleText = titleDraft !== null && titleDraft.at === node.title ? titleDraft.text : node.title;
  const titleEmpty = titleText.trim() === "";

  const updateNode = (fields: Partial<NodeDoc>) =>
    onChange(graph.map((candidate) => (candidate._id === node._id ? { ...candidate, ...fields } : candidate)));

  const setValue = (name: string, value: unknown) => {
    const result = setParameter(graph, node._id, name, value);
    if (result.ok) {
      setRefusal(null);
      onChange(result.nodes);
    } else {
      setRefusal(result.reason);
    }
  };

  const link = (name: string, reference: string) => {
    const target = reference === "" ? null : (workflowParameters.find((p) => p.name === reference) ?? null);
    const result = linkParameter(graph, node._id, name, target);
    if (result.ok) {
      setRefusal(null);
      onChange(result.nodes);
    } else {
      setRefusal(result.reason);
    }
  };

  const script = node.parameters.filter(isScriptParameter);
  const shown = node.parameters.filter((p) => !isScriptParameter(p));
  // Parameters the operation's author exposed (with a widget) first, then the platform's settings.
  const ordered = [...shown.filter((p) => p.widget), ...shown.filter((p) => !p.widget)];
  const links = nodeLinks?.(node._id);

  const renderParameter = (parameter: Parameter) => {
    const candidates = workflowParameters.filter((p) => p.parameter_type === parameter.parameter_type);
    const source = parameter.reference ? workflowParameters.find((p) => p.name === parameter.reference) : undefined;
    const linked = Boolean(parameter.reference);
    return (
      <div key={parameter.name}>
        <ParameterField
          parameter={parameter}
          value={source ? source.value : undefined}
          readOnly={readOnly || linked}
          onChange={(value) => setValue(parameter.name, value)}
          hint={
            linked
              ? source
                ? `Takes its value from the workflow parameter "${source.name}".`
                : `Linked to the workflow parameter "${parameter.reference}", which no longer exists.`
              : undefined
          }
        />
        {(candidates.length > 0 || linked) && (
          <div className="props-link">
            <label htmlFor={`${id}-${parameter.name}-link`}>Linked to</label>
            <select
              id={`${id}-${parameter.name}-link`}
              disabled={readOnly}
              value={parameter.reference ?? ""}
              onChange={(event) => link(parameter.name, event.target.value)}
            >
              <option value="">No workflow parameter</option>
              {candidates.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name}
                </option>
              ))}
              {linked && !source && <option value={parameter.reference ?? ""}>{parameter.reference} (missing)</option>}
            </select>
          </div>
        )}
      </div>
    );
  };

  return (
    <>
      <TextField
        label="Title"
        value={titleText}
        disabled={readOnly}
        invalid={titleEmpty}
        onChange={(text) => {
          if (text.trim() === "") {
            setTitleDraft({ text, at: node.title });
          } else {
            setTitleDraft({ text, at: text });
            updateNode({ title: text });
          }
        }}
      >
        {titleEmpty && (
          <p className="param-error" role="alert">
            A node needs a title.
          </p>
        )}
      </TextField>
      <TextField label="Description" rows={2} value={node.description} disabled={readOnly} onChange={(description) => updateNode({ description })} />
      <span className="props-kind" title="Kind">
        {node.kind}
      </span>
      <Refusal reason={refusal} />

      <h3>Parameters</h3>
      {ordered.length === 0 && script.length === 0 && <p className="props-empty">This node has no parameters.</p>}
      {ordered.map(renderParameter)}
      {script.length > 0 && (
        <details className="props-details">
          <summary>Script</summary>
          {script.map(renderParameter)}
        </details>
      )}

      {links && (links.outputs.length > 0 || links.logs.length > 0) && (
        <>
          {links.outputs.length > 0 && (
            <>
              <h3>Outputs</h3>
              <ul className="props-links" aria-label="Outputs">
                {links.outputs.map((output) => (
                  <li key={output.name}>
                    <a href={output.href}>{output.name}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
          {links.logs.length > 0 && (
            <>
              <h3>Logs</h3>
              <ul className="props-links" aria-label="Logs">
                {links.logs.map((log) => (
                  <li key={log.name}>
                    <a href={log.href}>{log.name}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </>
  );
}

function MultipleNodes({ nodes, graph, readOnly, onChange }: PropertiesPanelProps & { nodes: NodeDoc[] }) {
  const [refusal, setRefusal] = useRefusal();
  const ids = nodes.map((node) => node._id);
  const shared = sharedParameters(graph, ids).filter(({ parameter }) => !isScriptParameter(parameter));
  return (
    <>
      <p className="props-empty">
        {nodes.length} nodes selected. {shared.length > 0 ? "A change applies to all of them." : ""}
      </p>
      <Refusal reason={refusal} />
      <h3>Shared parameters</h3>
      {shared.length === 0 && <p className="props-empty">The selected nodes have no parameter in common.</p>}
      {shared.map(({ parameter, mixed }) => {
        // A parameter linked to a workflow parameter on some node is not set from here.
        const linked = nodes.some((node) => node.parameters.some((p) => p.name === parameter.name && p.reference));
        return (
          <ParameterField
            key={parameter.name}
            parameter={parameter}
            mixed={mixed}
            readOnly={readOnly || linked}
            hint={linked ? "Linked to a workflow parameter on some of the selected nodes." : undefined}
            onChange={(value) => {
              const result = setParameterOnNodes(graph, ids, parameter.name, value);
              if (result.ok) {
                setRefusal(null);
                onChange(result.nodes);
              } else {
                setRefusal(result.reason);
              }
            }}
          />
        );
      })}
      <p className="param-hint">Selected: {nodes.map((node) => node.title).join(", ")}</p>
    </>
  );
}
