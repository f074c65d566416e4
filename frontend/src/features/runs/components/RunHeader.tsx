import { Link } from "react-router-dom";

import { StatusBadge } from "@/components/StatusBadge";
import { segment } from "@/lib/api/client";
import { formatDateTime, formatDuration } from "@/lib/format";

import type { RunDetail } from "../api/run";
import { RunToolbar } from "./RunToolbar";

// The order (and colour) of node statuses in the progress bar: done first, waiting last.
const COUNT_ORDER: readonly [string, string][] = [
  ["SUCCESS", "#2e9a52"],
  ["RESTORED", "#7a62d0"],
  ["FAILED", "#c8372d"],
  ["CANCELED", "#c88a1e"],
  ["RUNNING", "#1d5fae"],
  ["IN_QUEUE", "#9aa5b2"],
  ["CREATED", "#d3d9e0"],
];

function NodeCounts({ counts }: { counts: Record<string, number> }) {
  // STATIC nodes (inputs with stored values) never run: they are not progress.
  const entries = Object.entries(counts).filter(([status, count]) => status !== "STATIC" && count > 0);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const ordered = [
    ...COUNT_ORDER.filter(([status]) => counts[status]),
    ...entries.filter(([status]) => !COUNT_ORDER.some(([known]) => known === status)).map(([status]) => [status, "#b9c2cd"] as const),
  ];
  const summary = ordered.map(([status]) => `${counts[status]} ${status.replace(/_/g, " ").toLowerCase()}`).join(", ");
  return (
    <div>
      <div className="run-progress" role="img" aria-label={`Nodes: ${summary}`}>
        {ordered.map(([status, color]) => (
          <span key={status} style={{ width: `${((counts[status] ?? 0) / total) * 100}%`, background: color }} title={status} />
        ))}
      </div>
      <div className="run-counts small muted">{summary}</div>
    </div>
  );
}

/** The run's title, status, author, times, workflow, node counts and its actions. */
export function RunHeader({ run }: { run: RunDetail }) {
  const graph = (run.graph ?? {}) as { rerun_of?: unknown };
  const rerunOf = typeof graph.rerun_of === "string" ? graph.rerun_of : null;
  return (
    <header className="run-header">
      <div>
        <Link to="/runs" className="muted small">
          ← Runs
        </Link>
        <h1>
          {run.title || "Untitled"} <StatusBadge status={run.status} />
        </h1>
        <dl className="run-meta">
          <div>
            <dt>Workflow</dt>
            <dd>
              {run.workflow ? (
                <Link to={`/workflows/${segment(run.workflow)}`}>Open the workflow</Link>
              ) : (
                <span title="The run keeps the graph it ran">deleted</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Author</dt>
            <dd>{run.author}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{run.started_at ? formatDateTime(run.started_at) : `not yet (created ${formatDateTime(run.created_at)})`}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(run.started_at ? run.duration : null)}</dd>
          </div>
          {rerunOf && (
            <div>
              <dt>Re-run of</dt>
              <dd>
                <Link to={`/runs/${segment(rerunOf)}`}>the failed run</Link>
              </dd>
            </div>
          )}
          {run.parent_run && (
            <div>
              <dt>Part of</dt>
              <dd>
                <Link to={`/runs/${segment(run.parent_run)}${run.parent_node ? `?node=${segment(run.parent_node)}` : ""}`}>
                  the outer run
                </Link>
              </dd>
            </div>
          )}
        </dl>
        <NodeCounts counts={run.node_counts} />
      </div>
      <RunToolbar run={run} />
    </header>
  );
}
