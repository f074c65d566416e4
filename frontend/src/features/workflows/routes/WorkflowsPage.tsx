import { Link } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { Pagination } from "@/components/Pagination";
import { SearchBox } from "@/components/SearchBox";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";
import { useListParams } from "@/lib/use-list-params";

import { useWorkflows } from "../api/workflows";

export function WorkflowsPage() {
  const { search, offset, limit, setSearch, setOffset } = useListParams();
  const workflows = useWorkflows({ search, offset, limit });

  return (
    <section className="page">
      <header className="page-header">
        <h1>Workflows</h1>
        <SearchBox
          label="Search workflows"
          placeholder="Search: words, author:name, status:READY…"
          value={search}
          onSearch={setSearch}
        />
      </header>
      {workflows.isPending ? (
        <Loading label="Loading workflows" />
      ) : workflows.isError ? (
        <ErrorMessage error={workflows.error} onRetry={() => void workflows.refetch()} />
      ) : workflows.data.results.length === 0 ? (
        <p className="empty">{search ? `No workflow matches “${search}”.` : "No workflows yet."}</p>
      ) : (
        <>
          <table className="list" aria-busy={workflows.isFetching}>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Author</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {workflows.data.results.map((workflow) => (
                <tr key={workflow.id}>
                  <td>
                    {workflow.starred && (
                      <span className="star" aria-label="Starred" title="Starred">
                        ★{" "}
                      </span>
                    )}
                    <Link to={`/workflows/${encodeURIComponent(workflow.id)}`}>{workflow.title || "Untitled"}</Link>
                    {workflow.description && <div className="muted small">{workflow.description}</div>}
                  </td>
                  <td>{workflow.author_name}</td>
                  <td>
                    <StatusBadge status={workflow.node_status} />
                  </td>
                  <td>{formatDateTime(workflow.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination count={workflows.data.count} offset={offset} limit={limit} onChange={setOffset} />
        </>
      )}
    </section>
  );
}
