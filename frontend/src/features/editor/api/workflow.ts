/** The editor's requests on a workflow: save, validate, run, clone. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { workflowKeys } from "@/features/workflows/api/workflows";
import { api, segment } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import type { Workflow } from "@/lib/api/types";

import type { EditorDoc } from "../state/editor-state";

export type ValidationResult = components["schemas"]["ValidationResult"];
export type RunStarted = components["schemas"]["RunStarted"];

function path(workflowId: string, action = ""): string {
  return `/workflows/${segment(workflowId)}/${action ? `${action}/` : ""}`;
}

/** Replace the workflow's title, description, parameters and graph with `doc`. */
export function saveWorkflow(workflowId: string, doc: EditorDoc): Promise<Workflow> {
  return api.put<Workflow>(path(workflowId), {
    title: doc.title,
    description: doc.description,
    parameters: doc.parameters,
    nodes: doc.nodes,
  });
}

export function validateWorkflow(workflowId: string): Promise<ValidationResult> {
  return api.post<ValidationResult>(path(workflowId, "validate"));
}

export function runWorkflow(workflowId: string): Promise<RunStarted> {
  return api.post<RunStarted>(path(workflowId, "run"));
}

export function cloneWorkflow(workflowId: string): Promise<Workflow> {
  return api.post<Workflow>(path(workflowId, "clone"));
}

export function useSaveWorkflow(workflowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (doc: EditorDoc) => saveWorkflow(workflowId, doc),
    onSuccess: (saved) => {
      queryClient.setQueryData(workflowKeys.detail(workflowId), saved);
      // Lists show titles and update times.
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all, refetchType: "none" });
    },
  });
}

export function useCloneWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cloneWorkflow,
    onSuccess: (copy) => {
      queryClient.setQueryData(workflowKeys.detail(copy.id), copy);
      void queryClient.invalidateQueries({ queryKey: workflowKeys.all, refetchType: "none" });
    },
  });
}
