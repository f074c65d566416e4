import { Link } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { RelativeTime, useNow } from "@/components/RelativeTime";
import type { WorkerState } from "@/lib/api/types";
import { formatAgo } from "@/lib/format";

import { WORKERS_REFRESH_MS, runningNodes, stringList, useWorkers } from "../api/workers";

import "../workers.css";

/** Alive workers first, then by name: a lost one sinks but stays visible until it is cleaned up. */
function byState(a: WorkerState, b: WorkerState): number {
  return Number(b.alive) - Number(a.alive) || a.worker_id.localeCompare(b.worker_id);
}

export function WorkersPage() {
  const workers = useWorkers();
  const now = useNow();
  const rows = [...(workers.data?.results ?? [])].sort(byState);
  const alive = rows.filter((worker) => worker.alive);
  const slots = alive.reduce((sum, worker) => sum + worker.concurrency, 0);
  const busy = alive.reduce((sum, worker) => sum + runningNodes(worker).length, 0);

  return (
    <section className="page workers-page">
      <header className="page-header">
        <div>
          <h1>Workers</h1>
          {workers.data && rows.length > 0 && (
            <p className="workers-summary" aria-label="Summary">
              <span>
                <strong>{alive.length}</strong> alive
              </span>
              {rows.length > alive.length && (
                <span className="workers-lost">
                  <strong>{rows.length - alive.length}</strong> lost
                </span>
              )}
              <span>
                <strong>{busy}</strong> of <strong>{slots}</strong> slots busy
              </span>
            </p>
          )}
        </div>
        <div className="workers-refresh">
          <span className="muted small">
            {workers.dataUpdatedAt
              ? `Updated ${formatAgo(new Date(workers.dataUpdatedAt).toISOString(), now)} · every ${WORKERS_REFRESH_MS / 1000} s`
              : `Refreshed every ${WORKERS_REFRESH_MS / 1000} s`}
          </span>
          <button type="button" onClick={() => void workers.refetch()} disabled={workers.isFetching}>
            Refresh
          </button>
        </div>
      </header>
      {workers.isPending ? (
        <Loading label="Loading workers" />
      ) : workers.isError && !workers.data ? (
        <ErrorMessage error={workers.error} onRetry={() => void workers.refetch()} />
      ) : (
        <>
          {/* A failed refresh keeps the last figures on screen, saying they may be stale. */}
          {workers.isError && <ErrorMessage error={workers.error} />}
          {rows.length === 0 ? (
            <p className="empty">No worker has reported yet. `make up` starts one.</p>
          ) : (
            <ul className="worker-grid">
              {rows.map((worker) => (
                <li key={worker.worker_id}>
                  <WorkerCard worker={worker} now={now} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function WorkerCard({ worker, now }: { worker: WorkerState; now: number }) {
  const running = runningNodes(worker);
  const kinds = stringList(worker.kinds);
  const queues = stringList(worker.queues);
  const load = worker.concurrency > 0 ? Math.min(1, running.length / worker.concurrency) : 0;

  return (
    <article className={`worker-card${worker.alive ? "" : " lost"}`} aria-label={worker.worker_id}>
      <header className="worker-head">
        <div>
          <h2 className="worker-name">
            <code>{worker.worker_id}</code>
          </h2>
          <div className="muted small">on {worker.host || "an unknown host"}</div>
        </div>
        <span className={`status ${worker.alive ? "status-success" : "status-failed"}`}>{worker.alive ? "alive" : "lost"}</span>
      </header>

      <dl className="worker-facts">
        <dt>Last heartbeat</dt>
        <dd>
          <RelativeTime value={worker.last_heartbeat} now={now} />
        </dd>
        <dt>Started</dt>
        <dd>
          <RelativeTime value={worker.started_at} now={now} />
        </dd>
        <dt>Kinds</dt>
        <dd>
          <Chips items={kinds} />
        </dd>
        <dt>Queues</dt>
        <dd>
          <Chips items={queues} />
        </dd>
        <dt>Concurrency</dt>
        <dd>
          <div className="worker-load">
            <span>
              {running.length} of {worker.concurrency} busy
            </span>
            <span
              className="worker-load-bar"
              role="meter"
              aria-label="Busy slots"
              aria-valuemin={0}
              aria-valuemax={worker.concurrency}
              aria-valuenow={running.length}
            >
              <span style={{ width: `${Math.round(load * 100)}%` }} />
            </span>
          </div>
        </dd>
      </dl>

      <section className="worker-running" aria-label={`Running on ${worker.worker_id}`}>
        <h3>Running now</h3>
        {running.length === 0 ? (
          <p className="muted small">{worker.alive ? "Idle" : "Nothing reported"}</p>
        ) : (
          <ul>
            {running.map((node) => (
              <li key={`${node.runId}/${node.nodeId}`}>
                <Link to={`/runs/${encodeURIComponent(node.runId)}`}>{node.title}</Link>
                <span className="muted small">
                  {" "}
                  in run <code>{node.runId.slice(-8)}</code>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function Chips({ items }: { items: string[] }) {
  if (items.length === 0) return <span className="muted">–</span>;
  return (
    <ul className="chips">
      {items.map((item) => (
        <li key={item} className="chip">
          {item}
        </li>
      ))}
    </ul>
  );
}
