import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useDeleteMutation, useStarMutation } from "@/components/list/mutations";
import { api, segment } from "@/lib/api/client";
import type { Workflow, WorkflowPage, WorkflowSummary } from "@/lib/api/types";
import type { ListQuery } from "@/lib/use-list-params";

/** The list's query: the server's search syntax (`author:alice kind:python words`), filters, sort, page. */
export type WorkflowListParams = ListQuery;

export const workflowKeys = {
  all: ["workflows"] as const,
  lists: ["workflows", "list"] as const,
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

export function createWorkflow(body: Pick<Workflow, "title" | "description">): Promise<Workflow> {
  return api.post<Workflow>("/workflows/", body);
}

/** A new, empty workflow of the caller's; the lists are read again. */
export function useCreateWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWorkflow,
    onSuccess: (workflow) => {
      queryClient.setQueryData(workflowKeys.detail(workflow.id), workflow);
      return queryClient.invalidateQueries({ queryKey: workflowKeys.lists });
    },
  });
}

export function starWorkflow(id: string, starred: boolean): Promise<Workflow> {
  return api.post<Workflow>(`/workflows/${segment(id)}/${starred ? "star" : "unstar"}/`);
}

export function useStarWorkflow() {
  return useStarMutation<WorkflowSummary>(workflowKeys.lists, starWorkflow);
}

export function deleteWorkflow(id: string): Promise<void> {
  return api.delete(`/workflows/${segment(id)}/`);
}

export function useDeleteWorkflow() {
  return useDeleteMutation(workflowKeys.lists, deleteWorkflow);
}
