import { Link, useSearchParams } from "react-router-dom";

import { ListPage, type ListColumn } from "@/components/list/ListPage";
import { useListState } from "@/components/list/use-list-state";
import { StatusBadge } from "@/components/StatusBadge";
import type { Run, RunStatus } from "@/lib/api/types";
import { formatDateTime, formatDuration } from "@/lib/format";

import { useRuns } from "../api/runs";

const RUN_STATUSES: readonly RunStatus[] = ["CREATED", "READY", "RUNNING", "SUCCESS", "FAILED_WAITING", "FAILED", "CANCELED"];

const title = (run: Run) => run.title || "Untitled";

const COLUMNS: ListColumn<Run>[] = [
  {
    header: "Run",
    cell: (run) => (
      <>
        <Link className="list-title" to={`/runs/${encodeURIComponent(run.id)}`}>
          {title(run)}
        </Link>
        <div className="list-sub">
          {run.workflow ? (
            <>
              <Link to={`/workflows/${encodeURIComponent(run.workflow)}`}>Open workflow</Link> ·{" "}
            </>
          ) : null}
          <code>{run.id}</code>
        </div>
      </>
    ),
  },
  { header: "Author", cell: (run) => run.author },
  { header: "Status", cell: (run) => <StatusBadge status={run.status} /> },
  { header: "Created", sortField: "created_at", cell: (run) => formatDateTime(run.created_at) },
  { header: "Started", sortField: "started_at", cell: (run) => formatDateTime(run.started_at) },
  { header: "Duration", cell: (run) => formatDuration(run.started_at ? run.duration : null) },
];

export function RunsPage() {
  const list = useListState("-created_at");
  const [params, setParams] = useSearchParams();
  // `?workflow=<id>`: the runs of one workflow (the editor links here).
  const workflow = params.get("workflow") ?? "";
  const runs = useRuns({ ...list.query, workflow: workflow || undefined });

  function everyWorkflow() {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete("workflow");
        next.delete("offset");
        return next;
      },
      { replace: true },
    );
  }

  return (
    <ListPage
      title="Runs"
      noun="run"
      list={list}
      result={runs}
      columns={COLUMNS}
      rowTitle={title}
      searchPlaceholder="Search runs by title…"
      searchHint="Words match the run’s title."
      statuses={RUN_STATUSES}
      extraFilter={
        workflow && (
          <div className="list-field">
            <span>Workflow</span>
            <span className="list-chip">
              <Link to={`/workflows/${encodeURIComponent(workflow)}`}>{runs.data?.results[0]?.title || workflow}</Link>
              <button type="button" aria-label="Show the runs of every workflow" title="Every workflow" onClick={everyWorkflow}>
                ×
              </button>
            </span>
          </div>
        )
      }
    />
  );
}
