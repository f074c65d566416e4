import { Link, useNavigate } from "react-router-dom";

import { errorText } from "@/components/ErrorMessage";
import { ListPage, type ListColumn } from "@/components/list/ListPage";
import { NODE_STATUSES, NodeSearchHint } from "@/components/list/SearchHint";
import { useListState } from "@/components/list/use-list-state";
import { StatusBadge } from "@/components/StatusBadge";
import { hasPolicy, useMe } from "@/features/auth/api/me";
import type { WorkflowSummary } from "@/lib/api/types";
import { formatDateTime } from "@/lib/format";

import { useCreateWorkflow, useDeleteWorkflow, useStarWorkflow, useWorkflows } from "../api/workflows";

const title = (workflow: WorkflowSummary) => workflow.title || "Untitled";

const COLUMNS: ListColumn<WorkflowSummary>[] = [
  {
    header: "Title",
    sortField: "title",
    ascendingFirst: true,
    cell: (workflow) => (
      <>
        <Link className="list-title" to={`/workflows/${encodeURIComponent(workflow.id)}`}>
          {title(workflow)}
        </Link>
        {workflow.description && <div className="list-sub">{workflow.description}</div>}
      </>
    ),
  },
  { header: "Author", cell: (workflow) => workflow.author_name },
  { header: "Status", cell: (workflow) => <StatusBadge status={workflow.node_status} /> },
  { header: "Updated", sortField: "updated_at", cell: (workflow) => formatDateTime(workflow.updated_at) },
];

export function WorkflowsPage() {
  const me = useMe().data;
  const list = useListState("-updated_at");
  const workflows = useWorkflows(list.query);
  const star = useStarWorkflow();
  const remove = useDeleteWorkflow();
  const create = useCreateWorkflow();
  const navigate = useNavigate();

  function newWorkflow() {
    create.mutate(
      { title: "Untitled workflow", description: "" },
      { onSuccess: (workflow) => navigate(`/workflows/${encodeURIComponent(workflow.id)}`) },
    );
  }

  return (
    <ListPage
      title="Workflows"
      noun="workflow"
      list={list}
      result={workflows}
      columns={COLUMNS}
      rowTitle={title}
      searchPlaceholder="Search: words, author:name, status:READY…"
      searchHint={<NodeSearchHint />}
      statuses={NODE_STATUSES}
      starredFilter
      actions={
        hasPolicy(me, "CAN_CREATE_WORKFLOWS") && (
          <button type="button" className="primary" onClick={newWorkflow} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "New workflow"}
          </button>
        )
      }
      notice={
        create.isError && (
          <p className="list-feedback list-feedback-alert" role="alert">
            Could not create a workflow: {errorText(create.error)}
          </p>
        )
      }
      star={{ canStar: (workflow) => !workflow.readonly, isStarred: (workflow) => workflow.starred, mutation: star }}
      remove={{ canDelete: (workflow) => !workflow.readonly, mutation: remove }}
    />
  );
}
