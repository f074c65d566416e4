import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { useWorkers } from "../api/workers";

/** The server types these loosely (JSON columns): show what is a list of strings, as text. */
function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))) : [];
}

export function WorkersPage() {
  const workers = useWorkers();

  return (
    <section className="page">
      <header className="page-header">
        <h1>Workers</h1>
        <span className="muted small">Refreshed every 5 seconds</span>
      </header>
      {workers.isPending ? (
        <Loading label="Loading workers" />
      ) : workers.isError ? (
        <ErrorMessage error={workers.error} onRetry={() => void workers.refetch()} />
      ) : workers.data.results.length === 0 ? (
        <p className="empty">No worker has reported yet. `make up` starts one.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">State</th>
              <th scope="col">Kinds</th>
              <th scope="col">Busy</th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.data.results.map((worker) => (
              <tr key={worker.worker_id}>
                <td>
                  <code>{worker.worker_id}</code>
                  <div className="muted small">{worker.host}</div>
                </td>
                <td>
                  <span className={`status ${worker.alive ? "status-success" : "status-failed"}`}>
                    {worker.alive ? "alive" : "silent"}
                  </span>
                </td>
                <td className="small">{asList(worker.kinds).join(", ") || "–"}</td>
                <td>
                  {asList(worker.current_runs).length} / {worker.concurrency}
                </td>
                <td>{formatDateTime(worker.last_heartbeat)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
