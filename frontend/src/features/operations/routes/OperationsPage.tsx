import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { Pagination } from "@/components/Pagination";
import { SearchBox } from "@/components/SearchBox";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";
import { useListParams } from "@/lib/use-list-params";

import { useOperations } from "../api/operations";

export function OperationsPage() {
  const { search, offset, limit, setSearch, setOffset } = useListParams();
  const operations = useOperations({ search, offset, limit });

  return (
    <section className="page">
      <header className="page-header">
        <h1>Operations</h1>
        <SearchBox
          label="Search operations"
          placeholder="Search: words, kind:python, author:name…"
          value={search}
          onSearch={setSearch}
        />
      </header>
      {operations.isPending ? (
        <Loading label="Loading operations" />
      ) : operations.isError ? (
        <ErrorMessage error={operations.error} onRetry={() => void operations.refetch()} />
      ) : operations.data.results.length === 0 ? (
        <p className="empty">{search ? `No operation matches “${search}”.` : "No operations yet."}</p>
      ) : (
        <>
          <table className="list" aria-busy={operations.isFetching}>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Inputs → outputs</th>
                <th scope="col">Author</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {operations.data.results.map((operation) => (
                <tr key={operation.id}>
                  <td>
                    {operation.title || "Untitled"}
                    {operation.description && <div className="muted small">{operation.description}</div>}
                  </td>
                  <td>
                    <code>{operation.kind}</code>
                  </td>
                  <td className="small">
                    {(operation.inputs ?? []).map((port) => port.name).join(", ") || "–"} →{" "}
                    {(operation.outputs ?? []).map((port) => port.name).join(", ") || "–"}
                  </td>
                  <td>{operation.author_name}</td>
                  <td>
                    <StatusBadge status={operation.node_status} />
                  </td>
                  <td>{formatDateTime(operation.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination count={operations.data.count} offset={offset} limit={limit} onChange={setOffset} />
        </>
      )}
    </section>
  );
}
