/**
 * The catalog of operations the editor offers: the configured hubs (`/hubs/`), each with its
 * groups, and each group's operations (`/hubs/search/?hub=&group=`).
 */
import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import type { Operation } from "@/lib/api/types";

export type Hub = components["schemas"]["Hub"];
export type HubGroup = components["schemas"]["HubGroup"];
type OperationPage = components["schemas"]["PaginatedOperationList"];

/** One group of a hub with its operations. */
export interface CatalogGroupData {
  hub: Hub;
  group: HubGroup;
  operations: Operation[];
}

export const catalogKeys = {
  all: ["hubs"] as const,
};

// Large pages: a group holds tens to a few hundred operations, read once per editor.
const PAGE_LIMIT = 500;

/** Every operation of `group` of `hub` (all pages). */
export async function getGroupOperations(hub: string, group: string, signal?: AbortSignal): Promise<Operation[]> {
  const operations: Operation[] = [];
  for (;;) {
    const page = await api.get<OperationPage>("/hubs/search/", {
      query: { hub, group, limit: PAGE_LIMIT, offset: operations.length },
      signal,
    });
    operations.push(...page.results);
    if (!page.next || page.results.length === 0 || operations.length >= page.count) return operations;
  }
}

/** The hubs and the operations of each of their groups (empty groups are not asked for). */
export async function getCatalog(signal?: AbortSignal): Promise<CatalogGroupData[]> {
  const hubs = await api.get<Hub[]>("/hubs/", { signal });
  const groups = hubs.flatMap((hub) => hub.groups.filter((group) => group.count > 0).map((group) => ({ hub, group })));
  return Promise.all(
    groups.map(async ({ hub, group }) => ({ hub, group, operations: await getGroupOperations(hub.kind, group.key, signal) })),
  );
}

// The catalog changes when operations are approved: a few minutes old is fine in an editor.
const CATALOG_STALE_MS = 5 * 60_000;

export function useCatalog() {
  return useQuery({
    queryKey: catalogKeys.all,
    queryFn: ({ signal }) => getCatalog(signal),
    staleTime: CATALOG_STALE_MS,
  });
}
