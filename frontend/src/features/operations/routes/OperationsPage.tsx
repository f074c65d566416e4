import { Link, useNavigate } from "react-router-dom";

import { ListPage, type ListColumn } from "@/components/list/ListPage";
import { NODE_STATUSES, NodeSearchHint } from "@/components/list/SearchHint";
import { useListState } from "@/components/list/use-list-state";
import { StatusBadge } from "@/components/StatusBadge";
import { hasPolicy, useMe } from "@/features/auth/api/me";
import type { Operation } from "@/lib/api/types";
import { formatDateTime } from "@/lib/format";

import { useDeleteOperation, useOperations, useStarOperation } from "../api/operations";

const title = (operation: Operation) => operation.title || "Untitled";

const COLUMNS: ListColumn<Operation>[] = [
  {
    header: "Title",
    sortField: "title",
    ascendingFirst: true,
    cell: (operation) => (
      <>
        <Link className="list-title" to={`/operations/${encodeURIComponent(operation.id)}`}>
          {title(operation)}
        </Link>
        {operation.description && <div className="list-sub">{operation.description}</div>}
      </>
    ),
  },
  { header: "Kind", sortField: "kind", ascendingFirst: true, cell: (operation) => <code>{operation.kind}</code> },
  {
    header: "Inputs → outputs",
    className: "small",
    cell: (operation) => (
      <>
        {(operation.inputs ?? []).map((port) => port.name).join(", ") || "–"} →{" "}
        {(operation.outputs ?? []).map((port) => port.name).join(", ") || "–"}
      </>
    ),
  },
  { header: "Author", cell: (operation) => operation.author_name },
  { header: "Status", cell: (operation) => <StatusBadge status={operation.node_status} /> },
  { header: "Updated", sortField: "updated_at", cell: (operation) => formatDateTime(operation.updated_at) },
];

export function OperationsPage() {
  const me = useMe().data;
  const list = useListState("-updated_at");
  const operations = useOperations(list.query);
  const star = useStarOperation();
  const remove = useDeleteOperation();
  const navigate = useNavigate();

  return (
    <ListPage
      title="Operations"
      noun="operation"
      list={list}
      result={operations}
      columns={COLUMNS}
      rowTitle={title}
      searchPlaceholder="Search: words, kind:python, author:name…"
      searchHint={<NodeSearchHint />}
      statuses={NODE_STATUSES}
      starredFilter
      actions={
        hasPolicy(me, "CAN_CREATE_OPERATIONS") && (
          <button type="button" className="primary" onClick={() => navigate("/operations/new")}>
            New operation
          </button>
        )
      }
      star={{ canStar: (operation) => !operation.readonly, isStarred: (operation) => operation.starred, mutation: star }}
      // An approved (or deprecated) operation is in use: the server deprecates those instead.
      remove={{ canDelete: (operation) => !operation.readonly && operation.node_status === "CREATED", mutation: remove }}
    />
  );
}
