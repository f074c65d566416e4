import { Link } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { Pagination } from "@/components/Pagination";
import { SearchBox } from "@/components/SearchBox";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime, formatDuration } from "@/lib/format";
import { useListParams } from "@/lib/use-list-params";

import { useRuns } from "../api/runs";

export function RunsPage() {
  const { search, offset, limit, setSearch, setOffset } = useListParams();
  const runs = useRuns({ search, offset, limit });

  return (
    <section className="page">
      <header className="page-header">
        <h1>Runs</h1>
        <SearchBox label="Search runs" placeholder="Search runs…" value={search} onSearch={setSearch} />
      </header>
      {runs.isPending ? (
        <Loading label="Loading runs" />
      ) : runs.isError ? (
        <ErrorMessage error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.results.length === 0 ? (
        <p className="empty">{search ? `No run matches “${search}”.` : "No runs yet."}</p>
      ) : (
        <>
          <table className="list" aria-busy={runs.isFetching}>
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Author</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.results.map((run) => (
                <tr key={run.id}>
                  <td>
                    {run.workflow ? (
                      <Link to={`/workflows/${encodeURIComponent(run.workflow)}`}>{run.title || "Untitled"}</Link>
                    ) : (
                      run.title || "Untitled"
                    )}
                    <div className="muted small">
                      <code>{run.id}</code>
                    </div>
                  </td>
                  <td>{run.author}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{formatDateTime(run.started_at ?? run.created_at)}</td>
                  <td>{formatDuration(run.duration)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination count={runs.data.count} offset={offset} limit={limit} onChange={setOffset} />
        </>
      )}
    </section>
  );
}
