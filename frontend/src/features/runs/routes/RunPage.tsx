import "../runs.css";

import { useCallback, useMemo } from "react";
import { useParams, useSearchParams } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { GraphCanvas } from "@/features/editor/components/GraphCanvas";
import type { NodeDoc } from "@/features/editor/graph/types";
import { toNodeDocs } from "@/features/workflows/lib/node-docs";
import type { Workflow } from "@/lib/api/types";

import { toNodeStatuses, useRun, useRunNodes, useRunSpecs } from "../api/run";
import { NodeDetails } from "../components/NodeDetails";
import { RunHeader } from "../components/RunHeader";

const NO_SELECTION: readonly string[] = [];

/**
 * One run: its header and actions, the graph it ran (frozen when it started, so it shows even
 * when the workflow was changed or deleted) with every node's live state, and the side panel of
 * the selected node (state, attempts, parameters, outputs with previews, logs).
 */
export function RunPage() {
  const { runId = "" } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get("node");

  const run = useRun(runId);
  const nodes = useRunNodes(runId);
  const nodeIds = useMemo(() => nodes.data?.map((node) => node.id), [nodes.data]);
  const specs = useRunSpecs(runId, nodeIds);

  const docs: NodeDoc[] = useMemo(() => {
    if (!specs.data || !nodeIds) return [];
    const frozen = nodeIds.map((id) => specs.data[id]).filter((spec) => spec !== undefined && spec !== null);
    return toNodeDocs(frozen as Workflow["nodes"]);
  }, [specs.data, nodeIds]);
  const docsById = useMemo(() => new Map(docs.map((doc) => [doc._id, doc])), [docs]);
  const statuses = useMemo(() => toNodeStatuses(nodes.data), [nodes.data]);
  const selectedIds = useMemo(() => (selectedId ? [selectedId] : NO_SELECTION), [selectedId]);
  const selectedNode = nodes.data?.find((node) => node.id === selectedId);

  const select = useCallback(
    (id: string | null) => {
      setSearchParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (id) next.set("node", id);
          else next.delete("node");
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );
  const onSelectionChange = useCallback((ids: string[]) => select(ids.length === 1 ? ids[0]! : null), [select]);

  if (run.isPending) return <Loading label="Loading the run" />;
  if (run.isError) {
    return (
      <section className="page">
        <ErrorMessage error={run.error} onRetry={() => void run.refetch()} />
      </section>
    );
  }

  const graphError = nodes.error ?? specs.error;
  return (
    <section className="page page-canvas run-page" aria-label="Run">
      <RunHeader run={run.data} />
      {run.data.description && <p className="description">{run.data.description}</p>}
      {graphError ? (
        <ErrorMessage
          error={graphError}
          onRetry={() => {
            void nodes.refetch();
            void specs.refetch();
          }}
        />
      ) : nodes.isPending || specs.isPending ? (
        <Loading label="Loading the graph" />
      ) : (
        <div className="run-body">
          <div className="canvas">
            {docs.length === 0 ? (
              <p className="empty">This run has no nodes.</p>
            ) : (
              <GraphCanvas
                nodes={docs}
                readOnly
                statuses={statuses}
                selectedIds={selectedIds}
                onSelectionChange={onSelectionChange}
              />
            )}
          </div>
          {selectedNode && (
            <NodeDetails
              key={selectedNode.id}
              runId={runId}
              node={selectedNode}
              doc={docsById.get(selectedNode.id)}
              onClose={() => select(null)}
            />
          )}
        </div>
      )}
    </section>
  );
}
