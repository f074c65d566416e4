/**
 * One run: its header, the live state of its nodes, their attempts, documents and logs, and the
 * actions on it (cancel, re-run from failure, clone, run again).
 *
 * A run that has not ended is polled every second (the product promises node states at most one
 * second stale); polling stops once the run is SUCCESS, FAILED or CANCELED and its nodes were read
 * after that.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";

import type { NodeDoc } from "@/features/editor/graph/types";
import { toNodeDocs } from "@/features/workflows/lib/node-docs";
import { api, ApiError, segment } from "@/lib/api/client";
import type { Workflow } from "@/lib/api/types";
import type { components } from "@/lib/api/schema";

type Schemas = components["schemas"];

export type RunDetail = Schemas["RunDetail"];
export type RunStatus = Schemas["GraphRunningStatusEnum"];
export type NodeRun = Schemas["NodeRun"];
export type NodeRunDetail = Schemas["NodeRunDetail"];
export type NodeRunStatus = Schemas["NodeRunningStatusEnum"];
export type NodeRunAttempt = Schemas["NodeRunAttempt"];
export type NodeOutput = Schemas["NodeOutput"];
export type LogChunk = Schemas["LogChunk"];
export type WorkflowCreated = Schemas["WorkflowCreated"];
type NodeRunPage = Schemas["PaginatedNodeRunList"];

/** The logs a node has, in the order the log pane shows them. */
export const LOG_NAMES = ["stdout", "stderr", "worker"] as const;
export type LogName = (typeof LOG_NAMES)[number];

/** How often a run that has not ended is read again. */
export const POLL_INTERVAL_MS = 1_000;

const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set(["SUCCESS", "FAILED", "CANCELED"]);
const FINISHED_NODE_STATUSES: ReadonlySet<string> = new Set(["STATIC", "SUCCESS", "RESTORED", "FAILED", "CANCELED"]);
// A run that failed or was canceled can be re-run from its failure.
const RERUNNABLE_STATUSES: ReadonlySet<string> = new Set(["FAILED", "CANCELED"]);

/** The run has ended: nothing about it changes any more. */
export function isRunFinished(status: string | undefined): boolean {
  return status !== undefined && FINISHED_RUN_STATUSES.has(status);
}

/** The run can still be canceled (it has not ended; FAILED_WAITING waits for running nodes). */
export function isRunActive(status: string | undefined): boolean {
  return status !== undefined && !FINISHED_RUN_STATUSES.has(status);
}

export function isRunRerunnable(status: string | undefined): boolean {
  return status !== undefined && RERUNNABLE_STATUSES.has(status);
}

/** The node has ended (or never runs: STATIC): its state, outputs and logs are final. */
export function isNodeFinished(status: string | undefined): boolean {
  return status !== undefined && FINISHED_NODE_STATUSES.has(status);
}

export const runDetailKeys = {
  // Under ["runs"], so invalidating the runs (as the list does) refreshes these too.
  detail: (runId: string) => ["runs", "run", runId] as const,
  nodes: (runId: string) => ["runs", "run", runId, "nodes"] as const,
  node: (runId: string, nodeId: string) => ["runs", "run", runId, "node", nodeId] as const,
  attempts: (runId: string, nodeId: string) => ["runs", "run", runId, "node", nodeId, "attempts"] as const,
  specs: (runId: string) => ["runs", "run", runId, "specs"] as const,
};

// --- reading -----------------------------------------------------------------------------------

export function getRun(runId: string, signal?: AbortSignal): Promise<RunDetail> {
  return api.get<RunDetail>(`/runs/${segment(runId)}/`, { signal });
}

/** The server's largest page of nodes: a run of up to this many nodes is read in one request. */
const NODES_PAGE_LIMIT = 5_000;

/** A node of a run with its frozen document (`?documents=true` on the nodes list). */
type NodeRunWithDocument = NodeRun & { spec?: unknown };

/** Every node of a run (all pages), in the server's order; `documents` adds each one's `spec`. */
export async function getRunNodes(
  runId: string,
  signal?: AbortSignal,
  { documents = false }: { documents?: boolean } = {},
): Promise<NodeRunWithDocument[]> {
  const nodes: NodeRunWithDocument[] = [];
  for (;;) {
    const page = await api.get<NodeRunPage>(`/runs/${segment(runId)}/nodes/`, {
      query: { limit: NODES_PAGE_LIMIT, offset: nodes.length, ...(documents ? { documents: true } : {}) },
      signal,
    });
    nodes.push(...page.results);
    if (!page.next || page.results.length === 0 || nodes.length >= page.count) return nodes;
  }
}

export function getRunNode(runId: string, nodeId: string, signal?: AbortSignal): Promise<NodeRunDetail> {
  return api.get<NodeRunDetail>(`/runs/${segment(runId)}/nodes/${segment(nodeId)}/`, { signal });
}

/**
 * A refusal (a run that is gone or hidden: 4xx) ends the polling; a failure that may pass (the
 * server restarting, the network) does not: the next poll tries again.
 */
function stopsOnError(query: { state: { status: string; error: unknown } }): boolean {
  const { status, error } = query.state;
  return status === "error" && error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/** The run's header and node counts, read every second until the run has ended. */
export function useRun(runId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: runDetailKeys.detail(runId),
    queryFn: ({ signal }) => getRun(runId, signal),
    enabled: (options.enabled ?? true) && runId !== "",
    staleTime: (query) => (isRunFinished((query.state.data as RunDetail | undefined)?.status) ? Infinity : 0),
    refetchInterval: (query) =>
      stopsOnError(query) || isRunFinished(query.state.data?.status) ? false : POLL_INTERVAL_MS,
  });
}

/**
 * The nodes of a run with their live state, read every second until they are final: every node
 * has ended, or the run has ended and the nodes were read after the run was seen ending.
 */
export function useRunNodes(runId: string, options: { enabled?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: runDetailKeys.nodes(runId),
    queryFn: ({ signal }) => getRunNodes(runId, signal),
    enabled: (options.enabled ?? true) && runId !== "",
    refetchInterval: (query) => {
      if (stopsOnError(query)) return false;
      const nodes = query.state.data;
      if (nodes === undefined) return POLL_INTERVAL_MS;
      if (nodes.length > 0 && nodes.every((node) => isNodeFinished(node.status))) return false;
      const run = queryClient.getQueryState<RunDetail>(runDetailKeys.detail(runId));
      if (run?.data && isRunFinished(run.data.status) && query.state.dataUpdatedAt > run.dataUpdatedAt) return false;
      return POLL_INTERVAL_MS;
    },
  });
}

/**
 * What a canvas shows of a node of a run (the `statuses` map of the graph canvas): its status,
 * its times and the outputs produced so far (output name → resource id).
 */
export interface NodeRunState {
  status: NodeRunStatus;
  started_at: string | null;
  finished_at: string | null;
  outputs: Record<string, string>;
}

/** Node id → its state, for a canvas. */
export function toNodeStatuses(nodes: readonly NodeRun[] | undefined): Record<string, NodeRunState> {
  const statuses: Record<string, NodeRunState> = {};
  for (const node of nodes ?? []) {
    const outputs: Record<string, string> = {};
    for (const output of node.outputs) if (output.resource_id) outputs[output.name] = output.resource_id;
    statuses[node.id] = { status: node.status, started_at: node.started_at, finished_at: node.finished_at, outputs };
  }
  return statuses;
}

/** One node of a run with its frozen document; read again every second while the node runs. */
export function useRunNode(runId: string, nodeId: string | null) {
  return useQuery({
    queryKey: runDetailKeys.node(runId, nodeId ?? ""),
    queryFn: ({ signal }) => getRunNode(runId, nodeId ?? "", signal),
    enabled: runId !== "" && !!nodeId,
    refetchInterval: (query) =>
      stopsOnError(query) || isNodeFinished(query.state.data?.status) ? false : POLL_INTERVAL_MS,
  });
}

/**
 * The attempts of a node (one per dispatch to a worker). They change only when the node's status
 * or attempt does, so those are part of the key: a change reads them again, nothing polls.
 */
export function useNodeAttempts(runId: string, node: Pick<NodeRun, "id" | "status" | "attempt"> | null) {
  const nodeId = node?.id ?? "";
  return useQuery({
    queryKey: [...runDetailKeys.attempts(runId, nodeId), node?.status, node?.attempt],
    queryFn: ({ signal }) =>
      api.get<NodeRunAttempt[]>(`/runs/${segment(runId)}/nodes/${segment(nodeId)}/attempts/`, { signal }),
    enabled: runId !== "" && node !== null,
    placeholderData: keepPreviousData,
  });
}

/**
 * The graph the run ran, as node documents in the order of `nodeIds`: the run's frozen documents
 * (with workflow parameters resolved as the run used them), read once in one request. A run keeps
 * its graph even when its workflow is edited or deleted, and the documents never change.
 */
export function useRunGraph(run: RunDetail | undefined, nodeIds: readonly string[] | undefined) {
  const runId = run?.id ?? "";
  const specs = useQuery({
    queryKey: [...runDetailKeys.specs(runId), nodeIds?.length ?? 0],
    queryFn: async ({ signal }) => {
      const nodes = await getRunNodes(runId, signal, { documents: true });
      return Object.fromEntries(nodes.map((node) => [node.id, node.spec]));
    },
    enabled: runId !== "" && nodeIds !== undefined,
    staleTime: Infinity,
  });

  const docs = useMemo((): NodeDoc[] | undefined => {
    if (!nodeIds || !specs.data) return undefined;
    const frozen = nodeIds.map((id) => specs.data[id]).filter((spec) => spec !== undefined && spec !== null);
    return toNodeDocs(frozen as Workflow["nodes"]);
  }, [nodeIds, specs.data]);

  return { data: docs, error: specs.error, refetch: specs.refetch };
}

// --- actions -----------------------------------------------------------------------------------

/** Ask the run to stop: running nodes are stopped, nothing new starts. */
export function cancelRun(runId: string): Promise<RunDetail> {
  return api.post<RunDetail>(`/runs/${segment(runId)}/cancel/`);
}

/** A new run of the same frozen graph, where every node that succeeded comes from the cache. */
export function rerunFailed(runId: string): Promise<RunDetail> {
  return api.post<RunDetail>(`/runs/${segment(runId)}/rerun_failed/`);
}

/** A new editable workflow holding the run's frozen graph. */
export function cloneRun(runId: string): Promise<WorkflowCreated> {
  return api.post<WorkflowCreated>(`/runs/${segment(runId)}/clone/`);
}

/** A new run of the workflow as it is saved now. */
export function startRun(workflowId: string): Promise<RunDetail> {
  return api.post<RunDetail>("/runs/", { workflow: workflowId });
}

function useRunAction<T>(action: (id: string) => Promise<T>, onDone?: (result: T, id: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: (result, id) => {
      onDone?.(result, id);
      // The lists and the run itself (its status, its nodes) changed.
      void queryClient.invalidateQueries({ queryKey: ["runs"] });
    },
  });
}

export function useCancelRun() {
  const queryClient = useQueryClient();
  return useRunAction(cancelRun, (run) => queryClient.setQueryData(runDetailKeys.detail(run.id), run));
}

export function useRerunFailed() {
  const queryClient = useQueryClient();
  return useRunAction(rerunFailed, (run) => queryClient.setQueryData(runDetailKeys.detail(run.id), run));
}

export function useCloneRun() {
  const queryClient = useQueryClient();
  return useRunAction(cloneRun, () => void queryClient.invalidateQueries({ queryKey: ["workflows"] }));
}

export function useStartRun() {
  const queryClient = useQueryClient();
  return useRunAction(startRun, (run) => queryClient.setQueryData(runDetailKeys.detail(run.id), run));
}

// --- logs --------------------------------------------------------------------------------------

/** The most of a log read at first: older output is left to the download. */
export const LOG_TAIL_BYTES = 256 * 1024;
/** The most of a log kept on screen while following it; older text is dropped. */
export const LOG_KEEP_CHARS = 1024 * 1024;

export function logUrl(runId: string, nodeId: string, name: LogName): string {
  return `/runs/${segment(runId)}/nodes/${segment(nodeId)}/logs/${segment(name)}/`;
}

export interface NodeLog {
  /** The log's text as read so far (its end, when it is long). */
  text: string;
  /** Bytes of the log before `text` that are not shown (read them from the download). */
  omittedBytes: number;
  /** The log's size in bytes so far. */
  size: number;
  /** The node has ended and the whole log was read: nothing more will come. */
  complete: boolean;
  /** Read from the copy of a running node. */
  live: boolean;
  attempt: number | null;
  loading: boolean;
  error: unknown;
}

const EMPTY_LOG: NodeLog = {
  text: "",
  omittedBytes: 0,
  size: 0,
  complete: false,
  live: false,
  attempt: null,
  loading: true,
  error: null,
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A node's log, followed as it is written: the end of the log is read first (at most
 * `LOG_TAIL_BYTES`), then every `intervalMs` what was appended since (by byte offset), until the
 * node has ended and everything was read. A retry of the node starts a new log, which replaces the
 * text. With `follow: false` (a node that has ended), the log is read once.
 */
export function useNodeLog(
  runId: string,
  nodeId: string | null,
  name: LogName,
  options: { follow?: boolean; intervalMs?: number; enabled?: boolean } = {},
): NodeLog {
  const { follow = true, intervalMs = POLL_INTERVAL_MS, enabled = true } = options;
  const [log, setLog] = useState<NodeLog>(EMPTY_LOG);
  const key = `${runId}\u0000${nodeId ?? ""}\u0000${name}`;
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    // Another log: start from nothing (state adjusted while rendering, as React recommends).
    setShownKey(key);
    setLog(EMPTY_LOG);
  }

  useEffect(() => {
    if (!enabled || !nodeId || runId === "") return;
    const controller = new AbortController();
    const { signal } = controller;
    const url = logUrl(runId, nodeId, name);

    void (async () => {
      let text = "";
      let omitted = 0;
      let offset: number | null = null; // null: read the tail (first read, or a new attempt)
      let attempt: number | null = null;
      while (!signal.aborted) {
        if (offset !== null && follow && document.hidden) {
          // Nobody is looking: wait, and read what was written when the page is seen again.
          await sleep(intervalMs, signal);
          continue;
        }
        let chunk: LogChunk;
        try {
          chunk = await api.get<LogChunk>(url, {
            query: offset === null ? { tail: LOG_TAIL_BYTES } : { offset },
            signal,
          });
        } catch (error) {
          if (signal.aborted) return;
          setLog((current) => ({ ...current, loading: false, error }));
          if (!follow) return;
          await sleep(intervalMs * 3, signal);
          continue;
        }
        if (signal.aborted) return;
        if (attempt !== null && chunk.attempt !== attempt && offset !== null) {
          // A retry: its log starts over.
          text = "";
          omitted = 0;
          offset = null;
          attempt = chunk.attempt;
          continue;
        }
        if (offset === null) omitted = chunk.start;
        attempt = chunk.attempt;
        text += chunk.text;
        if (text.length > LOG_KEEP_CHARS) {
          const cut = text.length - LOG_KEEP_CHARS;
          // Bytes and characters differ for non-ASCII text; the count is what the reader needs.
          omitted += new TextEncoder().encode(text.slice(0, cut)).length;
          text = text.slice(cut);
        }
        offset = chunk.offset;
        const more = chunk.offset < chunk.size;
        setLog({
          text,
          omittedBytes: omitted,
          size: chunk.size,
          complete: chunk.complete,
          live: chunk.live,
          attempt: chunk.attempt,
          loading: false,
          error: null,
        });
        if (more) continue; // read the rest right away
        if (chunk.complete || !follow) return;
        await sleep(intervalMs, signal);
      }
    })();
    return () => controller.abort();
  }, [runId, nodeId, name, follow, intervalMs, enabled]);

  return log;
}
