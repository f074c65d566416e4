import "@xyflow/react/dist/style.css";

import { Background, Controls, MiniMap, ReactFlow, type Edge, type NodeTypes } from "@xyflow/react";
import { useMemo } from "react";

import { NODE_TYPE, toFlow } from "@/features/editor/graph/convert";
import type { NodeDoc } from "@/features/editor/graph/types";

import { ReadOnlyNode, type ReadOnlyFlowNode } from "./ReadOnlyNode";

const nodeTypes: NodeTypes = { [NODE_TYPE]: ReadOnlyNode };

/** A saved graph on a canvas that can be panned, zoomed and selected, but not changed. */
export function WorkflowCanvas({ nodes }: { nodes: readonly NodeDoc[] }) {
  const flow = useMemo(() => toFlow(nodes), [nodes]);
  const flowNodes = flow.nodes as ReadOnlyFlowNode[];
  const flowEdges = flow.edges as Edge[];

  return (
    <div className="canvas" data-testid="workflow-canvas">
      <div className="canvas-area">
        <ReactFlow
          nodes={flowNodes}
          edges={flowEdges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          deleteKeyCode={null}
          fitView
          minZoom={0.05}
          // A large workflow draws only what is on screen.
          onlyRenderVisibleElements
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <MiniMap pannable zoomable nodeColor="#b9c2cd" nodeStrokeColor="#8d99a6" />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </div>
  );
}
