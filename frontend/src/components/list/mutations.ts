import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";

/** One page of a list endpoint (DRF's limit/offset pagination). */
export interface ListPageData<T> {
  count: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

export interface StarVariables {
  id: string;
  starred: boolean;
}

type Starrable = { id: string; starred: boolean };

/**
 * Star or unstar a row of the lists under `listKey`, at once on screen (optimistic): the cached
 * pages show the new mark before the server answers, get their old mark back if it refuses, and
 * are read again either way, so they end as the server has them.
 */
export function useStarMutation<T extends Starrable>(listKey: QueryKey, request: (id: string, starred: boolean) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, starred }: StarVariables) => request(id, starred),
    onMutate: async ({ id, starred }: StarVariables) => {
      // A list read in flight would overwrite the mark with the old one.
      await queryClient.cancelQueries({ queryKey: listKey });
      const previous = queryClient.getQueriesData<ListPageData<T>>({ queryKey: listKey });
      queryClient.setQueriesData<ListPageData<T>>({ queryKey: listKey }, (page) =>
        page ? { ...page, results: page.results.map((row) => (row.id === id ? { ...row, starred } : row)) } : page,
      );
      return { previous };
    },
    onError: (_error, _variables, context) => {
      for (const [key, data] of context?.previous ?? []) queryClient.setQueryData(key, data);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }),
  });
}

/** Delete a row by id; the lists under `listKey` are read again once the server has answered. */
export function useDeleteMutation(listKey: QueryKey, request: (id: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listKey }),
  });
}
