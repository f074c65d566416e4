import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { OperationPage } from "@/lib/api/types";

export interface OperationListParams {
  search?: string;
  offset?: number;
  limit?: number;
}

export const operationKeys = {
  all: ["operations"] as const,
  list: (params: OperationListParams) => ["operations", "list", params] as const,
};

export function useOperations(params: OperationListParams) {
  return useQuery({
    queryKey: operationKeys.list(params),
    queryFn: ({ signal }) => api.get<OperationPage>("/operations/", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
  });
}
