import type { Me, WorkflowPage, WorkflowSummary } from "@/lib/api/types";

/** Server answers for tests, shaped as the generated types say. */
export const defaultUser: Me = {
  id: 1,
  username: "default",
  email: "",
  display_name: "",
  picture: "",
  policies: ["CAN_VIEW_OPERATIONS", "CAN_VIEW_WORKFLOWS", "CAN_CREATE_WORKFLOWS", "CAN_RUN_WORKFLOWS"],
  is_admin: false,
  settings: { theme: "light", auto_run: false, page_size: 20 },
};

export function workflowSummary(overrides: Partial<WorkflowSummary> = {}): WorkflowSummary {
  return {
    id: "6a1f0000000000000000000a",
    kind: "workflow",
    title: "Word count",
    description: "Counts words",
    node_status: "CREATED",
    author: 1,
    author_name: "default",
    parent_node: null,
    successor_node: null,
    original_node: null,
    starred: false,
    readonly: false,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-02T10:00:00Z",
    ...overrides,
  } as WorkflowSummary;
}

export function page<T>(results: T[], count = results.length): { count: number; next: null; previous: null; results: T[] } {
  return { count, next: null, previous: null, results };
}

export function workflowPage(results: WorkflowSummary[], count = results.length): WorkflowPage {
  return page(results, count);
}
