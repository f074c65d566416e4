import "../runs.css";

import { useCallback, useEffect, useMemo, useRef } from "react";
import { useParams, useSearchParams } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { useDocumentTitle } from "@/components/use-document-title";
import { GraphCanvas, type GraphCanvasProps } from "@/features/editor/components/GraphCanvas";
import type { NodeDoc } from "@/features/editor/graph/types";

import { toNodeStatuses, useRun, useRunGraph, useRunNodes } from "../api/run";
import { NodeDetails } from "../components/NodeDetails";
import { RunHeader } from "../components/RunHeader";

type CanvasInstance = Parameters<NonNullable<GraphCanvasProps["onInit"]>>[0];

const NO_SELECTION: readonly string[] = [];
const NO_DOCS: NodeDoc[] = [];
// A small graph is shown at its natural size, not blown up to fill the canvas.
const FIT_VIEW = { maxZoom: 1, padding: 0.15 };

/** Pan (at the same zoom) so that the node is wholly in sight, if it is not. */
function revealNode(instance: CanvasInstance | null, nodeId: string): void {
  const node = instance?.getInternalNode(nodeId);
  const pane = document.querySelector<HTMLElement>(".run-body .react-flow");
  if (!instance || !node || !pane || pane.clientWidth === 0) return;
  const { x: vx, y: vy, zoom } = instance.getViewport();
  if (!Number.isFinite(zoom) || zoom <= 0) return;
  const { x, y } = node.internals.positionAbsolute;
  const width = node.measured.width ?? 0;
  const height = node.measured.height ?? 0;
  const left = x * zoom + vx;
  const top = y * zoom + vy;
  const inSight = left >= 0 && top >= 0 && left + width * zoom <= pane.clientWidth && top + height * zoom <= pane.clientHeight;
  if (!inSight) void instance.setCenter(x + width / 2, y + height / 2, { zoom, duration: 300 });
}

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
  // The tab says how the run stands, for whoever watches it from another tab.
  useDocumentTitle(run.data ? `${run.data.title || "Untitled"} (${run.data.status.replace(/_/g, " ").toLowerCase()})` : "Run");
  const nodes = useRunNodes(runId);
  const nodeIds = useMemo(() => nodes.data?.map((node) => node.id), [nodes.data]);
  const graph = useRunGraph(run.data, nodeIds);
  const docs = graph.data ?? NO_DOCS;
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
  // The selected node stays in sight when the details panel opens beside it (or when it was
  // chosen from the list of failed nodes or from the address).
  const flow = useRef<CanvasInstance | null>(null);
  useEffect(() => {
    if (!selectedId) return;
    const frame = requestAnimationFrame(() => revealNode(flow.current, selectedId));
    return () => cancelAnimationFrame(frame);
  }, [selectedId, docs]);

  const onSelectionChange = useCallback((ids: string[]) => select(ids.length === 1 ? ids[0]! : null), [select]);

  if (run.isPending) return <Loading label="Loading the run" />;
  if (run.data === undefined) {
    return (
      <section className="page">
        <ErrorMessage error={run.error} onRetry={() => void run.refetch()} />
      </section>
    );
  }

  // An error with data on screen is a poll that failed: the page stays, the next poll retries.
  const graphError = nodes.data === undefined ? nodes.error : graph.data === undefined ? graph.error : null;
  const lostContact = (run.isError || nodes.isError) && !graphError;
  const failed = (nodes.data ?? []).filter((node) => node.status === "FAILED");
  return (
    <section className="page page-canvas run-page" aria-label="Run">
      <RunHeader run={run.data} />
      {run.data.description && <p className="description">{run.data.description}</p>}
      {lostContact && (
        <p className="run-lost-contact" role="status">
          The latest state could not be read ({(run.error ?? nodes.error)?.message}); trying again…
        </p>
      )}
      {failed.length > 0 && (
        <p className="run-failed-nodes">
          Failed:{" "}
          {failed.slice(0, 5).map((node, index) => (
            <span key={node.id}>
              {index > 0 && ", "}
              <button type="button" className="link" onClick={() => select(node.id)}>
                {node.title || node.id}
              </button>
            </span>
          ))}
          {failed.length > 5 && ` and ${failed.length - 5} more`}
        </p>
      )}
      {graphError ? (
        <ErrorMessage
          error={graphError}
          onRetry={() => {
            void nodes.refetch();
            void graph.refetch();
          }}
        />
      ) : nodes.isPending || graph.data === undefined ? (
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
                onInit={(instance) => {
                  flow.current = instance;
                  void instance.fitView(FIT_VIEW).then(() => {
                    if (selectedId) revealNode(flow.current, selectedId);
                  });
                }}
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
