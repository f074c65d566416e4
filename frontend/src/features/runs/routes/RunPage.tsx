import "../runs.css";

import { Panel } from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from "react";
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
// Up to this many nodes, the whole graph is kept in view when the canvas changes size.
const REFIT_MAX_NODES = 60;

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
  // What is selected stays in sight. The details panel narrows the canvas when it opens (and
  // widens it when it closes): a small graph is fitted to the new size again, so all of it stays
  // on screen; in a large one the view moves only to bring the selected node into sight.
  const flow = useRef<CanvasInstance | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);
  const small = docs.length <= REFIT_MAX_NODES;
  const latest = useRef({ small, selectedId });
  useLayoutEffect(() => {
    latest.current = { small, selectedId };
  }, [small, selectedId]);
  useEffect(() => {
    if (!selectedId || small) return;
    const frame = requestAnimationFrame(() => revealNode(flow.current, selectedId));
    return () => cancelAnimationFrame(frame);
  }, [selectedId, small, docs]);
  const hasCanvas = docs.length > 0;
  useEffect(() => {
    const box = canvasBox.current;
    if (!box || !hasCanvas) return;
    let width = box.clientWidth;
    const observer = new ResizeObserver(() => {
      if (box.clientWidth === width) return;
      width = box.clientWidth;
      const { small: fits, selectedId: selected } = latest.current;
      if (fits) void flow.current?.fitView(FIT_VIEW);
      else if (selected) revealNode(flow.current, selected);
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [hasCanvas]);

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
          <div className="canvas" ref={canvasBox}>
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
                    if (selectedId && !small) revealNode(flow.current, selectedId);
                  });
                }}
              >
                <Panel position="top-left">
                  <button type="button" className="canvas-fit" onClick={() => void flow.current?.fitView({ ...FIT_VIEW, duration: 300 })}>
                    Fit view
                  </button>
                </Panel>
              </GraphCanvas>
            )}
          </div>
          {selectedNode && (
            <NodeDetails
              key={selectedNode.id}
              runId={runId}
              node={selectedNode}
              doc={docsById.get(selectedNode.id)}
              titleOf={(id) => docsById.get(id)?.title || id}
              onOpen={select}
              onClose={() => select(null)}
            />
          )}
        </div>
      )}
    </section>
  );
}
