/** One operation: read, create, save, preview its script, and its lifecycle (approve, deprecate, clone). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, segment } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import type { Operation, OperationPage } from "@/lib/api/types";
import type { InputPort, LogPort, OutputPort, Parameter } from "@/features/editor/graph/types";

type Schemas = components["schemas"];
export type Hub = Schemas["Hub"];
export type ResourceKind = Schemas["ResourceKind"];

/** The fields of an operation the editor changes (what PUT and POST /operations/ take). */
export interface OperationDraft {
  kind: string;
  title: string;
  description: string;
  inputs: InputPort[];
  outputs: OutputPort[];
  parameters: Parameter[];
  logs: LogPort[];
}

/** A server node validation tree (`validation_error` of a refused approval). */
export interface ValidationTree {
  target: string;
  object_id: string;
  validation_code: string;
  message: string;
  children: ValidationTree[];
}

export const operationDetailKeys = {
  detail: (id: string) => ["operations", "detail", id] as const,
  kinds: ["operations", "kinds"] as const,
  resourceKinds: ["resources", "kinds"] as const,
  successors: (search: string) => ["operations", "successors", search] as const,
};

/** The operation's editable fields as the editor's documents (lists the server may leave out become empty). */
export function toDraft(operation: Operation): OperationDraft {
  return {
    kind: operation.kind ?? "",
    title: operation.title ?? "",
    description: operation.description ?? "",
    inputs: (operation.inputs ?? []).map((input) => ({
      name: input.name,
      file_types: [...input.file_types],
      values: (input.values ?? []) as unknown as InputPort["values"],
      min_count: input.min_count ?? 1,
      max_count: input.max_count ?? 1,
    })),
    outputs: (operation.outputs ?? []).map((output) => ({ ...output })),
    parameters: (operation.parameters ?? []).map((parameter) => ({
      name: parameter.name,
      parameter_type: parameter.parameter_type as Parameter["parameter_type"],
      value: parameter.value,
      mutable_type: parameter.mutable_type ?? true,
      removable: parameter.removable ?? true,
      publicable: parameter.publicable ?? true,
      widget: (parameter.widget as Parameter["widget"]) ?? null,
      reference: parameter.reference ?? null,
    })),
    logs: (operation.logs ?? []).map((log) => ({ ...log })),
  };
}

// What a new operation starts with, as the server's `apps/nodes/defaults.py` makes it for the
// original PLynx API: the script (for script kinds), `cacheable`, `_timeout` and the three logs.
const SCRIPT_MODES: Record<string, "python" | "sh"> = { python: "python", bash_jinja2: "sh" };
const STARTER_SCRIPTS: Record<string, string> = {
  python: "# inputs, outputs and params are dictionaries:\n# with open(outputs['out'], 'w') as f: ...\n",
  bash_jinja2: "# inputs, outputs and params are templated:\n# cat {{ inputs.in | quote }} > {{ outputs.out }}\n",
};
const STATIC_KINDS = new Set(["file"]);

/** Whether operations of `kind` are files (uploaded, not written in the operation editor). */
export function isStaticKind(kind: string): boolean {
  return STATIC_KINDS.has(kind);
}
const LOG_NAMES = ["stderr", "stdout", "worker"];
const DEFAULT_TIMEOUT_SECONDS = 600;

function platformParameter(name: string, type: Parameter["parameter_type"], value: unknown): Parameter {
  return { name, parameter_type: type, value, mutable_type: false, removable: false, publicable: false, widget: null, reference: null };
}

/** A new, unsaved operation of `kind` with the server's default documents. */
export function newOperationDraft(kind: string, title: string): OperationDraft {
  if (STATIC_KINDS.has(kind)) {
    return { kind, title, description: "", inputs: [], outputs: [{ name: "out", file_type: "file", resource_id: null }], parameters: [], logs: [] };
  }
  const parameters: Parameter[] = [];
  if (kind in SCRIPT_MODES) {
    parameters.push(platformParameter("cmd", "code", { value: STARTER_SCRIPTS[kind], mode: SCRIPT_MODES[kind] }));
  }
  parameters.push(platformParameter("cacheable", "bool", true), platformParameter("_timeout", "int", DEFAULT_TIMEOUT_SECONDS));
  return {
    kind,
    title,
    description: "",
    inputs: [],
    outputs: [],
    parameters,
    logs: LOG_NAMES.map((name) => ({ name, file_type: "file", resource_id: null })),
  };
}

export function useOperation(id: string | null) {
  return useQuery({
    queryKey: operationDetailKeys.detail(id ?? ""),
    queryFn: ({ signal }) => api.get<Operation>(`/operations/${segment(id as string)}/`, { signal }),
    enabled: id !== null,
  });
}

/** The operation kinds a new operation can have, with their titles, from the hubs' groups. */
export function useOperationKinds(enabled = true) {
  return useQuery({
    queryKey: operationDetailKeys.kinds,
    queryFn: ({ signal }) => api.get<Hub[]>("/hubs/", { signal }),
    select: (hubs) => {
      const kinds = new Map<string, { kind: string; title: string; color: string }>();
      for (const hub of hubs) {
        for (const group of hub.groups) {
          if (!kinds.has(group.kind)) kinds.set(group.kind, { kind: group.kind, title: group.title, color: group.color });
        }
      }
      return [...kinds.values()];
    },
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** The file types inputs and outputs can have. */
export function useResourceKinds() {
  return useQuery({
    queryKey: operationDetailKeys.resourceKinds,
    queryFn: ({ signal }) => api.get<ResourceKind[]>("/resources/kinds/", { signal }),
    staleTime: 5 * 60_000,
  });
}

/** Approved operations matching `search`, which can succeed a deprecated one. */
export function useSuccessorCandidates(search: string, enabled: boolean) {
  return useQuery({
    queryKey: operationDetailKeys.successors(search),
    queryFn: ({ signal }) =>
      api.get<OperationPage>("/operations/", { query: { search, status: ["READY"], limit: 8 }, signal }),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** Create (no id) or replace (PUT) an operation; the cache then holds what the server answered. */
export function useSaveOperation(id: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (draft: OperationDraft) =>
      id === null
        ? api.post<Operation>("/operations/", draft)
        : api.put<Operation>(`/operations/${segment(id)}/`, { ...draft }),
    onSuccess: (operation) => {
      queryClient.setQueryData(operationDetailKeys.detail(operation.id), operation);
      void queryClient.invalidateQueries({ queryKey: ["operations", "list"] });
    },
  });
}

export type LifecycleAction = "approve" | "deprecate" | "mandatory_deprecate";

/** Approve or deprecate (with an optional successor); the cache then holds the new state. */
export function useOperationLifecycle(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, successor }: { action: LifecycleAction; successor?: string | null }) =>
      api.post<Operation>(
        `/operations/${segment(id)}/${action}/`,
        action === "approve" ? undefined : { successor: successor || null },
      ),
    onSuccess: (operation) => {
      queryClient.setQueryData(operationDetailKeys.detail(operation.id), operation);
      void queryClient.invalidateQueries({ queryKey: ["operations", "list"] });
    },
  });
}

/** An editable copy owned by the caller. */
export function useCloneOperation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Operation>(`/operations/${segment(id)}/clone/`),
    onSuccess: (operation) => {
      queryClient.setQueryData(operationDetailKeys.detail(operation.id), operation);
      void queryClient.invalidateQueries({ queryKey: ["operations", "list"] });
    },
  });
}

/** The exact script a worker would run for the saved operation. */
export function usePreviewCommand(id: string | null) {
  return useMutation({
    mutationFn: () => api.post<{ preview_text: string }>(`/operations/${segment(id as string)}/preview_cmd/`),
  });
}
