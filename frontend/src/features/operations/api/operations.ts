import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useDeleteMutation, useStarMutation } from "@/components/list/mutations";
import { api, segment } from "@/lib/api/client";
import type { Operation, OperationPage } from "@/lib/api/types";
import type { ListQuery } from "@/lib/use-list-params";

/** The list's query: the server's search syntax (`kind:python status:READY words`), filters, sort, page. */
export type OperationListParams = ListQuery;

export const operationKeys = {
  all: ["operations"] as const,
  lists: ["operations", "list"] as const,
  list: (params: OperationListParams) => ["operations", "list", params] as const,
};

export function useOperations(params: OperationListParams) {
  return useQuery({
    queryKey: operationKeys.list(params),
    queryFn: ({ signal }) => api.get<OperationPage>("/operations/", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function starOperation(id: string, starred: boolean): Promise<Operation> {
  return api.post<Operation>(`/operations/${segment(id)}/${starred ? "star" : "unstar"}/`);
}

export function useStarOperation() {
  return useStarMutation<Operation>(operationKeys.lists, starOperation);
}

/** Only an operation still being written (CREATED) can be deleted; an approved one is deprecated instead. */
export function deleteOperation(id: string): Promise<void> {
  return api.delete(`/operations/${segment(id)}/`);
}

export function useDeleteOperation() {
  return useDeleteMutation(operationKeys.lists, deleteOperation);
}
