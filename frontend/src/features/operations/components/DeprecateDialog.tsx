import { useEffect, useId, useRef, useState } from "react";

import { useDebouncedValue } from "@/lib/use-debounced-value";

import { type LifecycleAction, useSuccessorCandidates } from "../api/operation";

export interface DeprecateDialogProps {
  operationId: string;
  mandatory: boolean;
  pending: boolean;
  onConfirm: (action: LifecycleAction, successor: string | null) => void;
  onCancel: () => void;
}

/**
 * Deprecate (or mandatorily deprecate) with an optional successor, picked by searching the
 * approved operations.
 */
export function DeprecateDialog({ operationId, mandatory, pending, onConfirm, onCancel }: DeprecateDialogProps) {
  const id = useId();
  const [search, setSearch] = useState("");
  const [successor, setSuccessor] = useState<{ id: string; title: string } | null>(null);
  const debounced = useDebouncedValue(search, 250);
  const candidates = useSuccessorCandidates(debounced.trim(), true);
  const dialog = useRef<HTMLDivElement>(null);
  const found = (candidates.data?.results ?? []).filter((candidate) => candidate.id !== operationId);
  const verb = mandatory ? "Mandatory deprecate" : "Deprecate";

  useEffect(() => {
    dialog.current?.querySelector("input")?.focus();
  }, []);

  return (
    <div
      ref={dialog}
      className="op-dialog"
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{mandatory ? "Deprecate mandatorily" : "Deprecate"}</h2>
      <p className="op-dialog-text">
        {mandatory
          ? "Workflows that use this operation will no longer pass validation until they are upgraded to its successor."
          : "Workflows can still use this operation; the catalog points to its successor."}
      </p>
      <label htmlFor={`${id}-search`} className="param-label">
        Successor
      </label>
      <input
        id={`${id}-search`}
        type="search"
        placeholder="Search approved operations"
        value={search}
        autoComplete="off"
        onChange={(event) => setSearch(event.target.value)}
      />
      <ul className="op-candidates" aria-label="Matching operations" aria-busy={candidates.isFetching}>
        <li>
          <label>
            <input type="radio" name={`${id}-successor`} checked={successor === null} onChange={() => setSuccessor(null)} />
            None
          </label>
        </li>
        {found.map((candidate) => (
          <li key={candidate.id}>
            <label>
              <input
                type="radio"
                name={`${id}-successor`}
                checked={successor?.id === candidate.id}
                onChange={() => setSuccessor({ id: candidate.id, title: candidate.title ?? candidate.id })}
              />
              {candidate.title || candidate.id}
              <span className="muted small">
                {" "}
                · {candidate.kind} · {candidate.author_name}
              </span>
            </label>
          </li>
        ))}
      </ul>
      {candidates.isSuccess && found.length === 0 && debounced.trim() !== "" && (
        <p className="op-empty">No approved operation matches “{debounced.trim()}”.</p>
      )}
      {candidates.isError && (
        <p className="op-problems" role="alert">
          The operations could not be searched: {candidates.error.message}
        </p>
      )}
      <p className="op-dialog-text" role="status">
        {successor ? `Replaced by “${successor.title}”.` : "No successor chosen."}
      </p>
      <div className="op-dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={mandatory ? "danger" : "primary"}
          disabled={pending}
          onClick={() => onConfirm(mandatory ? "mandatory_deprecate" : "deprecate", successor?.id ?? null)}
        >
          {pending ? `${verb}…` : verb}
        </button>
      </div>
    </div>
  );
}
