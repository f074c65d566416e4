import { useMemo } from "react";
import { Link, useParams } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";

import { useWorkflow } from "../api/workflows";
import { WorkflowCanvas } from "../components/WorkflowCanvas";
import { toNodeDocs } from "../lib/node-docs";

export function WorkflowPage() {
  const { workflowId = "" } = useParams();
  const workflow = useWorkflow(workflowId);
  const nodes = useMemo(() => toNodeDocs(workflow.data?.nodes), [workflow.data?.nodes]);

  if (workflow.isPending) return <Loading label="Loading the workflow" />;
  if (workflow.isError) return <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />;

  const data = workflow.data;
  return (
    <section className="page page-canvas">
      <header className="page-header">
        <div>
          <Link to="/workflows" className="muted small">
            ← Workflows
          </Link>
          <h1>{data.title || "Untitled"}</h1>
          <div className="muted small">
            {data.author_name} · updated {formatDateTime(data.updated_at)} · {nodes.length}{" "}
            {nodes.length === 1 ? "node" : "nodes"} · <StatusBadge status={data.node_status} />
          </div>
        </div>
        <span className="notice">Read-only view</span>
      </header>
      {data.description && <p className="description">{data.description}</p>}
      {nodes.length === 0 ? <p className="empty">This workflow has no nodes yet.</p> : <WorkflowCanvas nodes={nodes} />}
    </section>
  );
}
