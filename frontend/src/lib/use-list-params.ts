import { useCallback } from "react";
import { useSearchParams } from "react-router-dom";

export const PAGE_SIZE = 20;

/**
 * The search string and page of a list, kept in the address (`?search=author:alice&offset=40`),
 * so a list can be reloaded, bookmarked and shared as it is.
 */
export function useListParams() {
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const offset = Math.max(0, Number.parseInt(params.get("offset") ?? "0", 10) || 0);

  const update = useCallback(
    (changes: Record<string, string | number | null>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null || value === "" || value === 0) next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setSearch = useCallback((value: string) => update({ search: value, offset: null }), [update]);
  const setOffset = useCallback((value: number) => update({ offset: value }), [update]);
  return { search, offset, limit: PAGE_SIZE, setSearch, setOffset };
}
