import { useParams } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { useWorkflow } from "@/features/workflows/api/workflows";

import { WorkflowEditor } from "../components/WorkflowEditor";

/** The workflow editor at /workflows/:workflowId. */
export function EditorPage() {
  const { workflowId = "" } = useParams();
  const workflow = useWorkflow(workflowId);

  if (workflow.isPending) return <Loading label="Loading the workflow" />;
  if (workflow.isError) return <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />;
  // A new editor (fresh history and selection) for each workflow, e.g. after "Clone to edit".
  return <WorkflowEditor key={workflow.data.id} workflow={workflow.data} />;
}
