import { useState } from "react";
import { useNavigate } from "react-router-dom";

import { segment } from "@/lib/api/client";

import {
  isRunActive,
  isRunFinished,
  isRunRerunnable,
  useCancelRun,
  useCloneRun,
  useRerunFailed,
  useStartRun,
  type RunDetail,
} from "../api/run";

function message(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

/** The actions on a run: run the workflow again, cancel, re-run from the failure, clone. */
export function RunToolbar({ run }: { run: RunDetail }) {
  const navigate = useNavigate();
  const start = useStartRun();
  const cancel = useCancelRun();
  const rerun = useRerunFailed();
  const clone = useCloneRun();
  const [notice, setNotice] = useState<string | null>(null);

  const busy = start.isPending || cancel.isPending || rerun.isPending || clone.isPending;
  const failure = [start, cancel, rerun, clone].find((mutation) => mutation.isError);
  const canControl = !run.readonly;
  const isChild = run.parent_run !== null;
  const canceling = isRunActive(run.status) && run.cancel_requested_at !== null;

  return (
    <div className="run-toolbar">
      <div className="run-toolbar-buttons">
        {isRunFinished(run.status) && (
          <button
            type="button"
            disabled={busy || run.workflow === null || isChild}
            title={
              run.workflow === null
                ? "The workflow of this run was deleted: clone the run to run its graph again"
                : "Run the workflow as it is saved now"
            }
            onClick={() => {
              if (run.workflow === null) return;
              setNotice(null);
              start.mutate(run.workflow, { onSuccess: (created) => void navigate(`/runs/${segment(created.id)}`) });
            }}
          >
            Run again
          </button>
        )}
        {isRunRerunnable(run.status) && canControl && !isChild && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            title="A new run of this graph: what succeeded comes from the cache, the rest runs again"
            onClick={() => {
              setNotice(null);
              rerun.mutate(run.id, { onSuccess: (created) => void navigate(`/runs/${segment(created.id)}`) });
            }}
          >
            Re-run failed
          </button>
        )}
        {isRunActive(run.status) && canControl && (
          <button
            type="button"
            className="run-cancel"
            disabled={busy || canceling}
            onClick={() => {
              cancel.mutate(run.id, { onSuccess: () => setNotice("Cancel requested: running nodes are being stopped.") });
            }}
          >
            {canceling ? "Canceling…" : "Cancel"}
          </button>
        )}
        {!isChild && (
          <button
            type="button"
            disabled={busy}
            title="Copy this run's graph into a new workflow you can edit"
            onClick={() => {
              setNotice(null);
              clone.mutate(run.id, { onSuccess: (created) => void navigate(`/workflows/${segment(created.workflow)}`) });
            }}
          >
            Clone
          </button>
        )}
      </div>
      {failure ? (
        <p role="alert" className="form-error">
          {message(failure.error)}
        </p>
      ) : (
        notice &&
        isRunActive(run.status) && (
          <p role="status" className="muted small">
            {notice}
          </p>
        )
      )}
    </div>
  );
}
