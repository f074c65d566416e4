import { toNodeDocs } from "@/features/workflows/lib/node-docs";
import type { Workflow } from "@/lib/api/types";

import type { Parameter } from "../graph/types";
import type { EditorDoc } from "../state/editor-state";

/** The editable part of a workflow as the server sends it. */
export function toEditorDoc(workflow: Workflow): EditorDoc {
  return {
    title: workflow.title ?? "",
    description: workflow.description ?? "",
    nodes: toNodeDocs(workflow.nodes),
    parameters: (workflow.parameters ?? []).map((parameter) => ({
      mutable_type: false,
      removable: true,
      publicable: true,
      widget: null,
      reference: null,
      ...parameter,
    })) as Parameter[],
  };
}
