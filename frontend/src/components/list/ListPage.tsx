import type { UseMutationResult, UseQueryResult } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorMessage, errorText } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { Pagination } from "@/components/Pagination";
import { DebouncedInput, SearchBox } from "@/components/SearchBox";
import { useDocumentTitle } from "@/components/use-document-title";
import { useMe } from "@/features/auth/api/me";
import { ApiError } from "@/lib/api/client";
import type { ListParamsState } from "@/lib/use-list-params";

import type { ListPageData, StarVariables } from "./mutations";

import "./list.css";

export interface ListColumn<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** The server's ordering field this column sorts by; the first click sorts descending unless `ascendingFirst`. */
  sortField?: string;
  ascendingFirst?: boolean;
  className?: string;
}

export interface ListPageProps<T extends { id: string }> {
  title: string;
  /** One row, in words ("workflow"); the messages say "No workflows yet.", "Delete this workflow?". */
  noun: string;
  list: ListParamsState;
  result: UseQueryResult<ListPageData<T>>;
  columns: ListColumn<T>[];
  rowTitle: (row: T) => string;
  searchPlaceholder: string;
  /** What the search understands, shown under the field. */
  searchHint: ReactNode;
  /** The statuses the status filter offers (the server's names). */
  statuses: readonly string[];
  /** Offer a "Starred only" filter (the server's `starred` parameter). */
  starredFilter?: boolean;
  /** A filter of the page's own, shown with the others (the runs of one workflow). */
  extraFilter?: ReactNode;
  /** Buttons of the page's header ("New workflow"). */
  actions?: ReactNode;
  /** A message of the page's own (the refusal of "New workflow"), shown above the list. */
  notice?: ReactNode;
  star?: {
    canStar: (row: T) => boolean;
    isStarred: (row: T) => boolean;
    mutation: UseMutationResult<unknown, Error, StarVariables, unknown>;
  };
  remove?: {
    canDelete: (row: T) => boolean;
    mutation: UseMutationResult<unknown, Error, string, unknown>;
  };
}

type Feedback = { kind: "status" | "alert"; text: string } | null;

/**
 * `value` (from the address), shown at once when the user changes it: the router applies an
 * address change in a transition, during which a controlled checkbox or select would otherwise
 * snap back to the old value for a moment.
 */
function useShown<T>(value: T): [T, (next: T) => void] {
  const [shown, setShown] = useState(value);
  const [seen, setSeen] = useState(value);
  if (!Object.is(value, seen)) {
    setSeen(value);
    setShown(value);
  }
  return [shown, setShown];
}

function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;
}

function statusLabel(status: string): string {
  const words = status.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A page listing workflows, operations or runs: search with the server's syntax, filters by
 * status and author, sortable columns, pages, and (where the rows allow it) starring and deleting.
 * Everything that shapes the list lives in the address, so a list can be shared as it is.
 */
export function ListPage<T extends { id: string }>({
  title,
  noun,
  list,
  result,
  columns,
  rowTitle,
  searchPlaceholder,
  searchHint,
  statuses,
  starredFilter = false,
  extraFilter,
  actions,
  notice,
  star,
  remove,
}: ListPageProps<T>) {
  const me = useMe().data;
  const hintId = useId();
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const [status, setStatus] = useShown(list.status);
  const [starredOnly, setStarredOnly] = useShown(list.starred);
  const searchRef = useRef<HTMLDivElement>(null);
  useDocumentTitle(title);

  // "/" anywhere but in a field goes to the search, as in most lists on the web.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable='true'], [role='dialog']")) return;
      event.preventDefault();
      searchRef.current?.querySelector("input")?.focus();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  const filtered = !!(list.status || list.author || list.starred);
  const mine = !!me && list.author.toLowerCase() === me.username.toLowerCase();

  function toggleStar(row: T) {
    if (!star) return;
    const starred = !star.isStarred(row);
    setFeedback(null);
    star.mutation.mutate(
      { id: row.id, starred },
      {
        onError: (error) =>
          setFeedback({ kind: "alert", text: `Could not ${starred ? "star" : "unstar"} “${rowTitle(row)}”: ${errorText(error)}` }),
      },
    );
  }

  function confirmDelete() {
    if (!remove || !deleting) return;
    const row = deleting;
    remove.mutation.mutate(row.id, {
      onSuccess: () => {
        setDeleting(null);
        setFeedback({ kind: "status", text: `Deleted “${rowTitle(row)}”.` });
        // The last row of the last page: show the page before, not an empty one.
        if (result.data?.results.length === 1 && list.offset > 0) list.setOffset(Math.max(0, list.offset - list.limit));
      },
    });
  }

  function cancelDelete() {
    setDeleting(null);
    remove?.mutation.reset();
  }

  function sortBy(column: ListColumn<T>) {
    const field = column.sortField!;
    const current = list.ordering.replace(/^-/, "");
    const descending = list.ordering.startsWith("-");
    const next = current === field ? (descending ? field : `-${field}`) : column.ascendingFirst ? field : `-${field}`;
    list.setFilters({ ordering: next });
  }

  function sortState(column: ListColumn<T>): "ascending" | "descending" | undefined {
    if (!column.sortField || list.ordering.replace(/^-/, "") !== column.sortField) return undefined;
    return list.ordering.startsWith("-") ? "descending" : "ascending";
  }

  const rows = result.data?.results ?? [];

  return (
    <section className="page list-page">
      <header className="page-header">
        <div>
          <h1>{title}</h1>
          {result.data && (
            <span className="muted small">
              {result.data.count} {result.data.count === 1 ? noun : `${noun}s`}
            </span>
          )}
        </div>
        {actions && <div className="list-page-actions">{actions}</div>}
      </header>

      <div className="list-toolbar">
        <div className="list-search" ref={searchRef}>
          <SearchBox
            label={`Search ${noun}s`}
            placeholder={searchPlaceholder}
            keyShortcuts="/"
            value={list.search}
            onSearch={list.setSearch}
            describedBy={hintId}
          />
          <kbd className="list-kbd" aria-hidden="true" title="Press / to search">
            /
          </kbd>
          <p id={hintId} className="list-hint">
            {searchHint}
          </p>
        </div>
        <div className="list-filters">
          <label className="list-field">
            <span>Status</span>
            <select
              value={status}
              onChange={(event) => {
                setStatus(event.target.value);
                list.setFilters({ status: event.target.value });
              }}
            >
              <option value="">Any status</option>
              {statuses.map((status) => (
                <option key={status} value={status}>
                  {statusLabel(status)}
                </option>
              ))}
            </select>
          </label>
          <div className="list-field">
            <span aria-hidden="true">Author</span>
            <div className="list-author">
              {me && (
                <button
                  type="button"
                  className="toggle"
                  aria-pressed={mine}
                  onClick={() => list.setFilters({ author: mine ? null : me.username })}
                >
                  Mine
                </button>
              )}
              <DebouncedInput
                label="Author"
                placeholder="Any author"
                value={list.author}
                onChange={(value) => list.setFilters({ author: value.trim() })}
              />
            </div>
          </div>
          {starredFilter && (
            <label className="list-check">
              <input
                type="checkbox"
                checked={starredOnly}
                onChange={(event) => {
                  setStarredOnly(event.target.checked);
                  list.setFilters({ starred: event.target.checked });
                }}
              />
              Starred only
            </label>
          )}
          {extraFilter}
          {(filtered || list.search) && (
            <button
              type="button"
              className="link list-clear"
              onClick={() => list.setFilters({ search: null, status: null, author: null, starred: null })}
            >
              Clear filters
            </button>
          )}
        </div>
      </div>

      {notice}
      {feedback && (
        <p className={`list-feedback list-feedback-${feedback.kind}`} role={feedback.kind}>
          {feedback.text}
        </p>
      )}

      {result.isPending ? (
        <Loading label={`Loading ${noun}s`} />
      ) : result.isError ? (
        // A refused search (400) fails the same way again: only other failures offer a retry.
        <ErrorMessage error={result.error} onRetry={isRefusal(result.error) ? undefined : () => void result.refetch()} />
      ) : rows.length === 0 ? (
        <p className="empty">
          {filtered
            ? `No ${noun} matches these filters.`
            : list.search
              ? `No ${noun} matches “${list.search}”.`
              : `No ${noun}s yet.`}
        </p>
      ) : (
        <>
          <table className="list" aria-busy={result.isFetching}>
            <thead>
              <tr>
                {star && (
                  <th scope="col" className="list-star">
                    <span className="visually-hidden">Starred</span>
                  </th>
                )}
                {columns.map((column) => (
                  <th key={column.header} scope="col" className={column.className} aria-sort={sortState(column)}>
                    {column.sortField ? (
                      <button type="button" className="list-sort" onClick={() => sortBy(column)}>
                        {column.header}
                        <span aria-hidden="true" className="list-sort-arrow">
                          {sortState(column) === "descending" ? "↓" : sortState(column) === "ascending" ? "↑" : "↕"}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                ))}
                {remove && (
                  <th scope="col" className="list-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  {star && (
                    <td className="list-star">
                      <StarCell
                        title={rowTitle(row)}
                        starred={star.isStarred(row)}
                        editable={star.canStar(row)}
                        onToggle={() => toggleStar(row)}
                      />
                    </td>
                  )}
                  {columns.map((column) => (
                    <td key={column.header} className={column.className}>
                      {column.cell(row)}
                    </td>
                  ))}
                  {remove && (
                    <td className="list-actions">
                      {remove.canDelete(row) && (
                        <button
                          type="button"
                          className="row-action row-action-danger"
                          aria-label={`Delete ${rowTitle(row)}`}
                          onClick={() => {
                            setFeedback(null);
                            setDeleting(row);
                          }}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination count={result.data.count} offset={list.offset} limit={list.limit} onChange={list.setOffset} />
        </>
      )}

      {remove && deleting && (
        <ConfirmDialog
          title={`Delete this ${noun}?`}
          confirmLabel="Delete"
          pendingLabel="Deleting"
          danger
          pending={remove.mutation.isPending}
          error={remove.mutation.isError ? errorText(remove.mutation.error) : null}
          onConfirm={confirmDelete}
          onCancel={cancelDelete}
        >
          <p>
            <strong>“{rowTitle(deleting)}”</strong> will be deleted for everyone who can see it.
          </p>
          <p className="muted">This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function StarCell({ title, starred, editable, onToggle }: { title: string; starred: boolean; editable: boolean; onToggle: () => void }) {
  if (!editable) {
    return starred ? (
      <span className="star" role="img" aria-label="Starred" title="Starred">
        ★
      </span>
    ) : null;
  }
  return (
    <button
      type="button"
      className={`star-toggle${starred ? " on" : ""}`}
      aria-pressed={starred}
      aria-label={`Star ${title}`}
      title={starred ? "Starred: click to unstar" : "Star"}
      onClick={onToggle}
    >
      {starred ? "★" : "☆"}
    </button>
  );
}
