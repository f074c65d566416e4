import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";

/** Rows per page when the user has not chosen (the server's own default page size). */
export const PAGE_SIZE = 20;

/** What a list asks the server for: the query parameters of the list endpoints. */
export interface ListQuery {
  /** The server's search string: words, and `key:value` tokens such as `author:alice`. */
  search?: string;
  status?: string;
  /** A username. */
  author?: string;
  starred?: boolean;
  /** DRF's ordering: a field name, `-` first for descending. */
  ordering?: string;
  offset?: number;
  limit?: number;
}

export type ListFilterChanges = Partial<Record<"search" | "status" | "author" | "starred" | "ordering", string | boolean | null>>;

/**
 * The search, filters, sort and page of a list, kept in the address
 * (`?search=kind:python&status=READY&author=alice&offset=40`), so a list can be reloaded,
 * bookmarked and shared as it is. A filter left at its default is left out of the address.
 */
export function useListParams({ defaultOrdering = "", pageSize = PAGE_SIZE }: { defaultOrdering?: string; pageSize?: number } = {}) {
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const status = params.get("status") ?? "";
  const author = params.get("author") ?? "";
  const starred = params.get("starred") === "true";
  const ordering = params.get("ordering") || defaultOrdering;
  const offset = Math.max(0, Number.parseInt(params.get("offset") ?? "0", 10) || 0);
  const limit = pageSize;

  const update = useCallback(
    (changes: Record<string, string | number | boolean | null>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            const isDefault = key === "ordering" && value === defaultOrdering;
            if (value === null || value === "" || value === 0 || value === false || isDefault) next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams, defaultOrdering],
  );

  // Any change of what is listed starts again at the first page.
  const setFilters = useCallback((changes: ListFilterChanges) => update({ ...changes, offset: null }), [update]);
  const setSearch = useCallback((value: string) => setFilters({ search: value }), [setFilters]);
  const setOffset = useCallback((value: number) => update({ offset: value }), [update]);

  const query: ListQuery = useMemo(
    () => ({
      search: search || undefined,
      status: status || undefined,
      author: author || undefined,
      starred: starred || undefined,
      ordering: ordering || undefined,
      offset,
      limit,
    }),
    [search, status, author, starred, ordering, offset, limit],
  );

  return { search, status, author, starred, ordering, offset, limit, query, setSearch, setOffset, setFilters };
}

export type ListParamsState = ReturnType<typeof useListParams>;
