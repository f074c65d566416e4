import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, segment } from "@/lib/api/client";
import type { Workflow, WorkflowPage } from "@/lib/api/types";

export interface WorkflowListParams {
  /** The server's search syntax: words, and `key:value` tokens such as `author:alice`. */
  search?: string;
  offset?: number;
  limit?: number;
}

export const workflowKeys = {
  all: ["workflows"] as const,
  list: (params: WorkflowListParams) => ["workflows", "list", params] as const,
  detail: (id: string) => ["workflows", "detail", id] as const,
};

export function getWorkflows(params: WorkflowListParams, signal?: AbortSignal): Promise<WorkflowPage> {
  return api.get<WorkflowPage>("/workflows/", { query: { ...params }, signal });
}

export function useWorkflows(params: WorkflowListParams) {
  return useQuery({
    queryKey: workflowKeys.list(params),
    queryFn: ({ signal }) => getWorkflows(params, signal),
    // The current page stays on screen while the next one (or a new search) loads.
    placeholderData: keepPreviousData,
  });
}

export function getWorkflow(id: string, signal?: AbortSignal): Promise<Workflow> {
  return api.get<Workflow>(`/workflows/${segment(id)}/`, { signal });
}

export function useWorkflow(id: string) {
  return useQuery({ queryKey: workflowKeys.detail(id), queryFn: ({ signal }) => getWorkflow(id, signal) });
}
