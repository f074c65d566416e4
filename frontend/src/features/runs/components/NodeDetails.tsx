import { useState } from "react";
import { Link } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { StatusBadge } from "@/components/StatusBadge";
import { isLink, isResource, type NodeDoc } from "@/features/editor/graph/types";
import { segment } from "@/lib/api/client";
import { formatDateTime, formatDuration } from "@/lib/format";

import { isNodeFinished, useNodeAttempts, useRunNode, type NodeRun } from "../api/run";
import { summarizeParameter } from "../lib/parameters";
import { LogPane } from "./LogPane";
import { downloadUrl } from "../api/preview";
import { OutputPreview } from "./OutputPreview";

function Attempts({ runId, node }: { runId: string; node: NodeRun }) {
  const attempts = useNodeAttempts(runId, node);
  if (attempts.isPending) return <p className="muted small">Loading the attempts…</p>;
  if (attempts.isError) return <ErrorMessage error={attempts.error} onRetry={() => void attempts.refetch()} />;
  if (attempts.data.length === 0) {
    const why =
      node.status === "RUNNING"
        ? "The first attempt is running; it is listed when it ends."
        : node.status === "RESTORED"
          ? "None: the outputs came from the cache."
          : "Not dispatched to a worker.";
    return <p className="muted small">{why}</p>;
  }
  return (
    <table className="details-table">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Outcome</th>
          <th scope="col">Worker</th>
          <th scope="col">Started</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>
        {attempts.data.map((attempt) => (
          <tr key={attempt.attempt} title={attempt.error || undefined}>
            <td>{attempt.attempt}</td>
            <td>
              <StatusBadge status={attempt.outcome} />
            </td>
            <td className="cell-clip">{attempt.worker || "–"}</td>
            <td>{formatDateTime(attempt.started_at)}</td>
            <td>{attempt.finished_at ? formatDuration(attempt.duration) : "…"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Outputs({ node }: { node: NodeRun }) {
  const produced = node.outputs.filter((output) => output.resource_id);
  const [chosen, setChosen] = useState<string | null>(null);
  if (node.outputs.length === 0) return <p className="muted small">This node has no outputs.</p>;
  const name = chosen ?? produced[0]?.name ?? node.outputs[0]!.name;
  const output = node.outputs.find((candidate) => candidate.name === name) ?? node.outputs[0]!;
  return (
    <>
      {node.outputs.length > 1 && (
        <div className="chips" role="group" aria-label="Outputs">
          {node.outputs.map((candidate) => (
            <button
              key={candidate.name}
              type="button"
              aria-pressed={candidate.name === output.name}
              onClick={() => setChosen(candidate.name)}
              disabled={!candidate.resource_id}
              title={candidate.resource_id ? undefined : "Not produced"}
            >
              {candidate.name}
            </button>
          ))}
        </div>
      )}
      <OutputPreview output={output} finished={isNodeFinished(node.status)} />
    </>
  );
}

/** What feeds each input: another node's output (a button that opens it), a stored file or a value. */
function Inputs({ doc, titleOf, onOpen }: { doc: NodeDoc; titleOf: (id: string) => string; onOpen: (id: string) => void }) {
  if (doc.inputs.length === 0) return <p className="muted small">No inputs.</p>;
  return (
    <dl className="facts">
      {doc.inputs.map((input) => (
        <div key={input.name} className="fact">
          <dt title={input.file_types.join(" | ")}>{input.name}</dt>
          <dd>
            {input.values.length === 0 ? (
              <span className="muted">–</span>
            ) : (
              <ul className="input-values">
                {input.values.map((value, index) => (
                  <li key={index}>
                    {isLink(value) ? (
                      <button type="button" className="link" onClick={() => onOpen(value.node_id)}>
                        {titleOf(value.node_id)} · {value.output_id}
                      </button>
                    ) : isResource(value) ? (
                      <a href={downloadUrl(value.resource_id)} download>
                        stored file
                      </a>
                    ) : (
                      <code>{JSON.stringify(value.value)}</code>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The logs of a node: its own, or for a node restored from the cache, those of the node that
 * made the outputs (in the run it ran in).
 */
function NodeLogs({ runId, node }: { runId: string; node: NodeRun }) {
  const origin = node.status === "RESTORED" ? node.restored_from : null;
  const source = useRunNode(origin?.run ?? "", origin?.run ? origin.node_id : null);
  if (origin?.run && source.data) {
    return (
      <>
        <p className="muted small">The outputs came from the cache: these are the logs of the run that made them.</p>
        <LogPane runId={origin.run} node={source.data} />
      </>
    );
  }
  return <LogPane runId={runId} node={node} />;
}

/** The side panel of a run's node: its state, attempts, timings, parameters, outputs and logs. */
export function NodeDetails({
  runId,
  node,
  doc,
  titleOf,
  onOpen,
  onClose,
}: {
  runId: string;
  node: NodeRun;
  doc: NodeDoc | undefined;
  /** The title of another node of the run. */
  titleOf: (nodeId: string) => string;
  /** Open another node of the run (one that feeds this one). */
  onOpen: (nodeId: string) => void;
  onClose: () => void;
}) {
  const parameters = doc?.parameters ?? [];
  const running = node.status === "RUNNING";
  return (
    <aside
      className="node-details"
      aria-label="Node details"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <header className="node-details-header">
        <div className="node-details-title">
          <h2>{node.title || doc?.title || "Untitled"}</h2>
          <span className="muted small">{node.kind}</span>
        </div>
        <button type="button" className="icon-button" aria-label="Close node details" onClick={onClose}>
          ×
        </button>
      </header>

      <div className="node-details-body">
        <div className="node-details-status">
          <StatusBadge status={node.status} />
          <span>{node.started_at ? formatDuration(node.duration) : ""}</span>
          {running && <span className="muted small">running…</span>}
        </div>
        {node.error && (
          <pre className="node-error" role="note" aria-label="Error">
            {node.error}
          </pre>
        )}

        <dl className="facts">
          <dt>Queued</dt>
          <dd>{formatDateTime(node.queued_at)}</dd>
          <dt>Started</dt>
          <dd>{formatDateTime(node.started_at)}</dd>
          <dt>Finished</dt>
          <dd>{formatDateTime(node.finished_at)}</dd>
          <dt>Duration</dt>
          <dd>{formatDuration(node.started_at ? node.duration : null)}</dd>
          {node.worker && (
            <>
              <dt>Worker</dt>
              <dd className="cell-clip">{node.worker}</dd>
            </>
          )}
          {node.restored_from && (
            <>
              <dt>Cache</dt>
              <dd>
                Restored from{" "}
                {node.restored_from.run ? (
                  <Link to={`/runs/${segment(node.restored_from.run)}?node=${segment(node.restored_from.node_id)}`}>
                    an earlier run
                  </Link>
                ) : (
                  "an earlier run"
                )}
              </dd>
            </>
          )}
          {node.child_run && (
            <>
              <dt>Inner run</dt>
              <dd>
                <Link to={`/runs/${segment(node.child_run)}`}>Open the composite's run</Link>
              </dd>
            </>
          )}
        </dl>

        <h3>Outputs</h3>
        <Outputs node={node} />

        <h3>Logs</h3>
        <NodeLogs runId={runId} node={node} />

        <h3>Inputs</h3>
        {doc === undefined ? <p className="muted small">Loading…</p> : <Inputs doc={doc} titleOf={titleOf} onOpen={onOpen} />}

        <h3>Parameters</h3>
        {doc === undefined ? (
          <p className="muted small">Loading…</p>
        ) : parameters.length === 0 ? (
          <p className="muted small">No parameters.</p>
        ) : (
          <dl className="facts parameters">
            {parameters.map((parameter) => (
              <div key={parameter.name} className="fact">
                <dt title={parameter.parameter_type}>{parameter.widget?.alias || parameter.name}</dt>
                <dd>
                  <code>{summarizeParameter(parameter)}</code>
                </dd>
              </div>
            ))}
          </dl>
        )}

        <h3>Attempts</h3>
        <Attempts runId={runId} node={node} />
      </div>
    </aside>
  );
}
