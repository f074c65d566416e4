import type { NodeDoc } from "@/features/editor/graph/types";
import type { Workflow } from "@/lib/api/types";

type ServerNode = NonNullable<Workflow["nodes"]>[number];

/**
 * A workflow's stored nodes as the graph core's documents. The schema types the nested documents
 * loosely (every field but `_id` and `kind` optional), so missing lists and positions get defaults.
 */
export function toNodeDocs(nodes: Workflow["nodes"]): NodeDoc[] {
  return (nodes ?? []).map((node: ServerNode) => ({
    ...(node as unknown as NodeDoc),
    _id: node._id,
    kind: node.kind,
    title: node.title ?? "",
    description: node.description ?? "",
    inputs: (node.inputs ?? []).map((input) => ({
      ...input,
      // The schema says "objects"; the server writes links, resources or inline values here.
      values: (input.values ?? []) as unknown as NodeDoc["inputs"][number]["values"],
      min_count: input.min_count ?? 1,
      max_count: input.max_count ?? 1,
    })),
    outputs: (node.outputs ?? []) as NodeDoc["outputs"],
    parameters: (node.parameters ?? []) as NodeDoc["parameters"],
    logs: (node.logs ?? []) as NodeDoc["logs"],
    x: node.x ?? 0,
    y: node.y ?? 0,
  }));
}
