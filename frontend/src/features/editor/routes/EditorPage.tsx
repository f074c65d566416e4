import { WorkflowPage } from "@/features/workflows/routes/WorkflowPage";

/** The workflow editor. */
export function EditorPage() {
  return <WorkflowPage />;
}
