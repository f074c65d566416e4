import "@xyflow/react/dist/style.css";
import "../editor.css";

import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type InternalNode,
  type NodeChange,
  type NodeTypes,
  type ReactFlowInstance,
  type Connection as FlowConnection,
} from "@xyflow/react";
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from "react";

import { typeColor } from "@/features/workflows/lib/type-color";

import { asConnection, linksToEdges, NODE_TYPE, parseEdgeId } from "../graph/convert";
import { connect, disconnect, removeNodes, setInlineValue } from "../graph/edit";
import { canConnect, type Problem } from "../graph/rules";
import type { Connection, NodeDoc, RawScalar } from "../graph/types";
import { sameRunState, type NodeRunState, type NodeRunStates } from "../lib/run-state";
import { CanvasActionsContext, type CanvasActions } from "./canvas-context";
import { OperationNode, type OperationFlowNode, type OperationNodeData } from "./OperationNode";

/** The farthest zoom the canvas opens at; Fit view and the zoom controls go further. */
const OPENING_MIN_ZOOM = 0.25;

/**
 * From this many nodes on, the minimap starts hidden (a button shows it): it redraws all of its
 * nodes on every frame of a pan, which halves the frame rate of a 1,000-node graph.
 */
const MINIMAP_ON_DEMAND = 500;

/** From this many nodes on, only the nodes and edges on screen are drawn. */
const CULLING_THRESHOLD = 150;

const nodeTypes: NodeTypes = { [NODE_TYPE]: OperationNode };

/** The drag-and-drop type of a catalog operation dragged onto the canvas (its id is the data). */
export const OPERATION_DRAG_TYPE = "application/x-plynx-operation";

export interface XY {
  x: number;
  y: number;
}

/** A wire dragged from a port and dropped on empty canvas. */
export interface DanglingWireDrop {
  nodeId: string;
  /** The port the wire starts at. */
  port: string;
  /** "source" when it starts at an output, "target" at an input. */
  handleType: "source" | "target";
  /** Where it was dropped, on the screen and on the canvas. */
  client: XY;
  position: XY;
}

export interface GraphCanvasProps {
  nodes: readonly NodeDoc[];
  readOnly: boolean;
  /** Node id → its state in the run shown on the canvas. */
  statuses?: NodeRunStates;
  selectedIds: readonly string[];
  onSelectionChange?: (ids: string[]) => void;
  /** Problems to mark on their nodes and ports. */
  problems?: readonly Problem[];
  /** A finished edit: a link added or removed, nodes deleted, an inline value written. */
  onChange?: (next: NodeDoc[]) => void;
  /** Nodes dragged to new places: every frame with `final` false, then once with `final` true. */
  onMove?: (next: NodeDoc[], final: boolean) => void;
  /** An edit refused, with the full sentence saying why. */
  onRefused?: (reason: string) => void;
  onDanglingWire?: (wire: DanglingWireDrop) => void;
  /** A catalog operation dropped on the canvas at `position`. */
  onDropOperation?: (operationId: string, position: XY) => void;
  onInit?: (instance: ReactFlowInstance<OperationFlowNode, Edge>) => void;
  /** Overlays drawn inside the canvas (React Flow `<Panel>`s). */
  children?: ReactNode;
}

type Measured = { width?: number; height?: number };

interface NodeLook {
  readOnly: boolean;
  run: NodeRunState | undefined;
  problems: OperationNodeData["problems"];
  selected: boolean;
  measured: Measured | undefined;
}

/**
 * The last React Flow node made for each document. A node keeps its object (so neither React Flow
 * nor the memoised node component redraws it) while its document and what it shows stay the same;
 * an edit or a poll of a 1,000-node graph then redraws only the nodes that changed.
 */
const flowNodes = new WeakMap<NodeDoc, OperationFlowNode>();

function flowNodeOf(doc: NodeDoc, look: NodeLook): OperationFlowNode {
  const previous = flowNodes.get(doc);
  if (
    previous &&
    previous.data.readOnly === look.readOnly &&
    previous.selected === look.selected &&
    previous.measured?.width === look.measured?.width &&
    previous.measured?.height === look.measured?.height &&
    sameRunState(previous.data.run, look.run) &&
    sameProblems(previous.data.problems, look.problems)
  ) {
    return previous;
  }
  const node: OperationFlowNode = {
    id: doc._id,
    type: NODE_TYPE,
    position: { x: doc.x, y: doc.y },
    data: { doc, readOnly: look.readOnly, run: look.run, problems: look.problems },
    selected: look.selected,
    measured: look.measured,
  };
  flowNodes.set(doc, node);
  return node;
}

function problemsByNode(problems: readonly Problem[] | undefined): Map<string, OperationNodeData["problems"]> {
  const grouped = new Map<string, { messages: string[]; ports: string[] }>();
  for (const problem of problems ?? []) {
    const entry = grouped.get(problem.nodeId) ?? { messages: [], ports: [] };
    entry.messages.push(problem.message);
    if (problem.port) entry.ports.push(problem.port);
    grouped.set(problem.nodeId, entry);
  }
  return grouped;
}

function sameProblems(a: OperationNodeData["problems"], b: OperationNodeData["problems"]): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.messages.join("\n") === b.messages.join("\n") && a.ports.join("\n") === b.ports.join("\n");
}

/** The connection a wire dropped on a port would make, oriented output → input. */
function attemptedConnection(state: FinalConnectionState<InternalNode>): Connection | null {
  const { fromNode, fromHandle, toNode, toHandle } = state;
  if (!fromNode || !fromHandle?.id || !toNode || !toHandle?.id) return null;
  return fromHandle.type === "source"
    ? { source: fromNode.id, sourceHandle: fromHandle.id, target: toNode.id, targetHandle: toHandle.id }
    : { source: toNode.id, sourceHandle: toHandle.id, target: fromNode.id, targetHandle: fromHandle.id };
}

function pointOf(event: MouseEvent | TouchEvent): XY {
  const point = "changedTouches" in event ? event.changedTouches[0] : event;
  return { x: point?.clientX ?? 0, y: point?.clientY ?? 0 };
}

/**
 * A workflow's nodes on a React Flow canvas. Read-only (a run, someone else's workflow): pan,
 * zoom and select. Editable: drag nodes, connect ports (checked while dragging; a refused link
 * says why), delete with Delete/Backspace, write inline values, drop catalog operations.
 *
 * The node documents are the state; this component derives React Flow's nodes from them (see
 * `flowNodeOf`) and reports every change as new documents. Only visible nodes are drawn.
 */
export function GraphCanvas({
  nodes,
  readOnly,
  statuses,
  selectedIds,
  onSelectionChange,
  problems,
  onChange,
  onMove,
  onRefused,
  onDanglingWire,
  onDropOperation,
  onInit,
  children,
}: GraphCanvasProps) {
  // Handlers read the latest documents without being recreated on every edit.
  const nodesRef = useRef(nodes);
  useLayoutEffect(() => {
    nodesRef.current = nodes;
  });
  const instance = useRef<ReactFlowInstance<OperationFlowNode, Edge> | null>(null);
  // React Flow measures nodes and expects the sizes back on the nodes it is given.
  const [measured, setMeasured] = useState<ReadonlyMap<string, Measured>>(new Map());
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const [miniMapChoice, setMiniMap] = useState<boolean | null>(null);
  const showMiniMap = miniMapChoice ?? nodes.length < MINIMAP_ON_DEMAND;

  const selected = useMemo(() => new Set(selectedIds), [selectedIds]);
  const grouped = useMemo(() => problemsByNode(problems), [problems]);

  const flowNodes = useMemo(
    () =>
      nodes.map((doc) =>
        flowNodeOf(doc, {
          readOnly,
          run: statuses?.[doc._id],
          problems: grouped.get(doc._id),
          selected: selected.has(doc._id),
          measured: measured.get(doc._id),
        }),
      ),
    [nodes, statuses, grouped, selected, readOnly, measured],
  );

  const edges = useMemo<Edge[]>(() => {
    const outputType = new Map<string, string>();
    for (const doc of nodes) for (const output of doc.outputs) outputType.set(`${doc._id}\u0000${output.name}`, output.file_type);
    return linksToEdges(nodes).map((edge) => ({
      ...edge,
      selected: selectedEdges.has(edge.id),
      style: { stroke: typeColor(outputType.get(`${edge.source}\u0000${edge.sourceHandle}`) ?? ""), strokeWidth: 2 },
    }));
  }, [nodes, selectedEdges]);

  const handleNodesChange = useCallback(
    (changes: NodeChange<OperationFlowNode>[]) => {
      const sizes = new Map<string, Measured>();
      let selectionChanged = false;
      let dragging = false;
      let dropped = false;
      const moves = new Map<string, XY>();
      const nextSelected = new Set(selected);
      for (const change of changes) {
        if (change.type === "dimensions" && change.dimensions) {
          sizes.set(change.id, { ...change.dimensions });
        } else if (change.type === "select") {
          if (change.selected) nextSelected.add(change.id);
          else nextSelected.delete(change.id);
          selectionChanged = true;
        } else if (change.type === "position") {
          if (change.position) moves.set(change.id, change.position);
          if (change.dragging) dragging = true;
          else dropped = true;
        }
      }
      if (sizes.size > 0) setMeasured((before) => new Map([...before, ...sizes]));
      if (selectionChanged) onSelectionChange?.([...nextSelected]);
      if ((moves.size > 0 || dropped) && onMove && !readOnly) {
        const current = nodesRef.current;
        const next =
          moves.size === 0
            ? (current as NodeDoc[])
            : current.map((doc) => {
                const to = moves.get(doc._id);
                return to && (to.x !== doc.x || to.y !== doc.y) ? { ...doc, x: Math.round(to.x), y: Math.round(to.y) } : doc;
              });
        onMove(next, dropped && !dragging);
      }
    },
    [selected, onSelectionChange, onMove, readOnly, setMeasured],
  );

  const handleEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    const selects = changes.filter((change) => change.type === "select");
    if (selects.length === 0) return;
    setSelectedEdges((before) => {
      const next = new Set(before);
      for (const change of selects) {
        if (change.selected) next.add(change.id);
        else next.delete(change.id);
      }
      return next;
    });
  }, [setSelectedEdges]);

  const isValidConnection = useCallback((connection: Edge | FlowConnection) => {
    const candidate = asConnection(connection);
    return candidate !== null && canConnect(nodesRef.current, candidate).ok;
  }, []);

  const handleConnect = useCallback(
    (connection: FlowConnection) => {
      const candidate = asConnection(connection);
      if (!candidate) return;
      const result = connect(nodesRef.current, candidate);
      if (result.ok) onChange?.(result.nodes);
      else onRefused?.(result.reason);
    },
    [onChange, onRefused],
  );

  // React Flow calls onConnect only for valid links: a refused one is seen here, at the drop.
  const handleConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => {
      if (state.isValid) return;
      const { fromNode, fromHandle, toNode, toHandle } = state;
      if (!fromNode || !fromHandle?.id) return;
      if (toHandle) {
        if (toHandle.type === fromHandle.type) {
          onRefused?.(
            fromHandle.type === "source"
              ? "An output can only be connected to an input."
              : "An input can only be connected to an output.",
          );
          return;
        }
        const attempt = attemptedConnection(state);
        const verdict = attempt ? canConnect(nodesRef.current, attempt) : null;
        if (verdict && !verdict.ok) onRefused?.(verdict.reason);
        return;
      }
      if (toNode || !onDanglingWire || !instance.current) return;
      const client = pointOf(event);
      onDanglingWire({
        nodeId: fromNode.id,
        port: fromHandle.id,
        handleType: fromHandle.type,
        client,
        position: instance.current.screenToFlowPosition(client),
      });
    },
    [onRefused, onDanglingWire],
  );

  const handleDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: OperationFlowNode[]; edges: Edge[] }) => {
      let next = removeNodes(nodesRef.current, gone.map((node) => node.id));
      for (const edge of cut) {
        const link = parseEdgeId(edge.id) ?? asConnection(edge);
        if (link) next = disconnect(next, link);
      }
      setSelectedEdges(new Set());
      onChange?.(next);
    },
    [onChange, setSelectedEdges],
  );

  const actions = useMemo<CanvasActions | null>(
    () =>
      readOnly
        ? null
        : {
            setInlineValue: (nodeId: string, inputName: string, value: RawScalar | null) => {
              const result = setInlineValue(nodesRef.current, nodeId, inputName, value);
              if (result.ok) onChange?.(result.nodes);
              else onRefused?.(result.reason);
            },
          },
    [readOnly, onChange, onRefused],
  );

  const handleDragOver = (event: DragEvent) => {
    if (readOnly || !event.dataTransfer.types.includes(OPERATION_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  };
  const handleDrop = (event: DragEvent) => {
    const operationId = event.dataTransfer.getData(OPERATION_DRAG_TYPE);
    if (readOnly || !operationId || !instance.current) return;
    event.preventDefault();
    onDropOperation?.(operationId, instance.current.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className="graph-canvas" data-testid="workflow-canvas" onDragOver={handleDragOver} onDrop={handleDrop}>
        <ReactFlow<OperationFlowNode, Edge>
          nodes={flowNodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={handleNodesChange}
          onEdgesChange={handleEdgesChange}
          onConnect={handleConnect}
          onConnectEnd={handleConnectEnd}
          onDelete={handleDelete}
          isValidConnection={isValidConnection}
          onInit={(flow) => {
            instance.current = flow;
            onInit?.(flow);
          }}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          edgesFocusable={!readOnly}
          elementsSelectable
          deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
          multiSelectionKeyCode={["Meta", "Control", "Shift"]}
          fitView
          // A small graph is shown at its natural size, not blown up to fill the canvas; a large
          // one opens at its centre, zoomed out only as far as its cards stay recognisable.
          fitViewOptions={{ maxZoom: 1, minZoom: OPENING_MIN_ZOOM }}
          minZoom={0.05}
          maxZoom={2}
          // A large workflow draws only what is on screen; a small one draws everything, which
          // spares the culling work on every frame of a pan and any pop-in at the edges.
          onlyRenderVisibleElements={nodes.length > CULLING_THRESHOLD}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          {showMiniMap && <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeColor="#8d99a6" />}
          {nodes.length >= MINIMAP_ON_DEMAND && (
            <Panel position="bottom-right" className={showMiniMap ? "minimap-toggle above-minimap" : "minimap-toggle"}>
              <button type="button" className="small" onClick={() => setMiniMap(!showMiniMap)}>
                {showMiniMap ? "Hide minimap" : "Show minimap"}
              </button>
            </Panel>
          )}
          {/* Fit view is in the editor's toolbar; the controls keep zoom in and out. */}
          <Controls showInteractive={false} showFitView={false} />
          {children}
        </ReactFlow>
      </div>
    </CanvasActionsContext.Provider>
  );
}

// The minimap shows run states at a glance; without a run, nodes are grey.
const MINIMAP_COLORS: Record<string, string> = {
  RUNNING: "#1e88e5",
  SUCCESS: "#2e7d32",
  RESTORED: "#00897b",
  FAILED: "#c62828",
  CANCELED: "#8d6e63",
  IN_QUEUE: "#f9a825",
  QUEUED: "#f9a825",
};

function minimapColor(node: OperationFlowNode): string {
  return MINIMAP_COLORS[node.data.run?.status ?? ""] ?? "#b9c2cd";
}
