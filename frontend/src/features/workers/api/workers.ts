import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { WorkerPage, WorkerState } from "@/lib/api/types";

export const workerKeys = { all: ["workers"] as const };

/** How often the dashboard reads the workers again: workers report every 5 s (PLYNX_WORKER_HEARTBEAT_SECONDS). */
export const WORKERS_REFRESH_MS = 5_000;

export function useWorkers() {
  return useQuery({
    queryKey: workerKeys.all,
    // One page holds every worker a deployment realistically has.
    queryFn: ({ signal }) => api.get<WorkerPage>("/workers/", { query: { limit: 100 }, signal }),
    refetchInterval: WORKERS_REFRESH_MS,
  });
}

/** A node a worker is running now, as its heartbeat reports it. */
export interface RunningNode {
  runId: string;
  nodeId: string;
  title: string;
}

/** The server types these JSON columns loosely: keep the strings of a list. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The `current_runs` of a worker (`[{"run_id", "node_id", "title"}]`), skipping malformed entries. */
export function runningNodes(worker: WorkerState): RunningNode[] {
  if (!Array.isArray(worker.current_runs)) return [];
  return worker.current_runs.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== "object") return [];
    const { run_id: runId, node_id: nodeId, title } = entry as Record<string, unknown>;
    if (typeof runId !== "string") return [];
    return [{ runId, nodeId: typeof nodeId === "string" ? nodeId : "", title: typeof title === "string" && title ? title : "Untitled node" }];
  });
}
