import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { RunPage } from "@/lib/api/types";
import type { ListQuery } from "@/lib/use-list-params";

/** The runs list's query. Its `search` matches words of the title (runs have no `key:value` tokens). */
export interface RunListParams extends Omit<ListQuery, "starred"> {
  /** Only the runs started from this workflow. */
  workflow?: string;
}

export const runKeys = {
  all: ["runs"] as const,
  list: (params: RunListParams) => ["runs", "list", params] as const,
};

// Running runs change by the second; a list a few seconds old is fine.
const RUNS_REFRESH_MS = 5_000;

export function useRuns(params: RunListParams) {
  return useQuery({
    queryKey: runKeys.list(params),
    queryFn: ({ signal }) => api.get<RunPage>("/runs/", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: RUNS_REFRESH_MS,
  });
}
