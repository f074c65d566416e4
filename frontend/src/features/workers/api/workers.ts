import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { WorkerPage } from "@/lib/api/types";

export const workerKeys = { all: ["workers"] as const };

// Workers report every 5 s (PLYNX_WORKER_HEARTBEAT_SECONDS): refreshing as often shows each beat.
const WORKERS_REFRESH_MS = 5_000;

export function useWorkers() {
  return useQuery({
    queryKey: workerKeys.all,
    // One page holds every worker a deployment realistically has.
    queryFn: ({ signal }) => api.get<WorkerPage>("/workers/", { query: { limit: 100 }, signal }),
    refetchInterval: WORKERS_REFRESH_MS,
  });
}
