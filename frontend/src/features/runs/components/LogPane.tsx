import { useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";

import { downloadUrl } from "../api/preview";
import { isNodeFinished, LOG_NAMES, useNodeLog, type LogName, type NodeRun } from "../api/run";
import { formatBytes } from "../lib/format-bytes";

const LOG_LABELS: Record<LogName, string> = { stdout: "stdout", stderr: "stderr", worker: "worker log" };
// Within this many pixels of the end counts as "at the end": the pane keeps following.
const STICK_SLACK_PX = 24;

function emptyText(status: string, complete: boolean): string {
  if (status === "CREATED" || status === "IN_QUEUE") return "The node has not started yet.";
  if (status === "STATIC") return "This node does not run: it has no log.";
  if (status === "RESTORED") return "Restored from the cache: the node did not run here, so it wrote nothing.";
  if (complete || isNodeFinished(status)) return "Nothing was written.";
  return "Waiting for output…";
}

/**
 * A node's stdout, stderr and worker log, as text. A running node's log is followed as it is
 * written: the pane scrolls with it unless the reader scrolled up.
 */
export function LogPane({ runId, node }: { runId: string; node: NodeRun }) {
  // A failed node's reason is usually on stderr: show it first.
  const [name, setName] = useState<LogName>(() => (node.status === "FAILED" && node.logs.stderr ? "stderr" : "stdout"));
  const follow = !isNodeFinished(node.status);
  const log = useNodeLog(runId, node.id, name, { follow });
  const preRef = useRef<HTMLPreElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const tabIds = LOG_NAMES.map((logName) => `log-tab-${logName}`);

  useLayoutEffect(() => {
    const pre = preRef.current;
    if (pre && atEnd) pre.scrollTop = pre.scrollHeight;
  }, [log.text, atEnd]);

  const onScroll = () => {
    const pre = preRef.current;
    if (!pre) return;
    setAtEnd(pre.scrollHeight - pre.scrollTop - pre.clientHeight <= STICK_SLACK_PX);
  };

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = (LOG_NAMES.indexOf(name) + step + LOG_NAMES.length) % LOG_NAMES.length;
    setName(LOG_NAMES[index]!);
    setAtEnd(true);
    document.getElementById(tabIds[index]!)?.focus();
  };

  const resourceId = node.logs[name];
  const following = follow && !log.complete;

  return (
    <section className="log-pane" aria-label="Log">
      <header className="log-header">
        <div role="tablist" aria-label="Logs" className="log-tabs">
          {LOG_NAMES.map((logName, index) => (
            <button
              key={logName}
              id={tabIds[index]}
              type="button"
              role="tab"
              aria-selected={logName === name}
              aria-controls="log-panel"
              tabIndex={logName === name ? 0 : -1}
              className={logName === name ? "active" : undefined}
              onClick={() => {
                setName(logName);
                setAtEnd(true);
              }}
              onKeyDown={onTabKey}
            >
              {LOG_LABELS[logName]}
            </button>
          ))}
        </div>
        <div className="log-meta">
          {following && (
            <span className="log-live" role="status">
              <span className="log-live-dot" aria-hidden="true" /> following
            </span>
          )}
          {log.size > 0 && <span className="muted">{formatBytes(log.size)}</span>}
          {resourceId ? (
            <a href={downloadUrl(resourceId)} download className="download">
              Download
            </a>
          ) : isNodeFinished(node.status) ? null : (
            <span className="muted" title="The log can be downloaded once the node has ended">
              Download after the end
            </span>
          )}
        </div>
      </header>
      {log.error !== null && <ErrorMessage error={log.error} />}
      <div className="log-body" id="log-panel" role="tabpanel" aria-labelledby={tabIds[LOG_NAMES.indexOf(name)]}>
        {log.omittedBytes > 0 && (
          <p className="log-omitted">
            The first {formatBytes(log.omittedBytes)} are not shown{resourceId ? ": download the log for all of it." : "."}
          </p>
        )}
        <pre ref={preRef} className="log-text" onScroll={onScroll} tabIndex={0} aria-label={`${LOG_LABELS[name]} text`}>
          {log.loading ? "Loading…" : log.text === "" ? <span className="muted">{emptyText(node.status, log.complete)}</span> : log.text}
        </pre>
        {!atEnd && following && (
          <button
            type="button"
            className="log-jump"
            onClick={() => {
              setAtEnd(true);
            }}
          >
            Follow the end
          </button>
        )}
      </div>
    </section>
  );
}
