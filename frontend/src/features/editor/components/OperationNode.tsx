import { Handle, Position, useStore, type Node, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { memo, useEffect, useState } from "react";

import { typeColor } from "@/features/workflows/lib/type-color";
import { formatDuration } from "@/lib/format";

import type { InputPort, NodeDoc } from "../graph/types";
import { isLink, isResource } from "../graph/types";
import { FINAL_STATUSES, runSeconds, type NodeRunState } from "../lib/run-state";
import { useCanvasActions } from "./canvas-context";
import { InlineValue, inlineType } from "./InlineValue";
import { OutputThumbnail, hasThumbnail } from "./OutputThumbnail";

// A type alias (not an interface) so that it satisfies React Flow's `Record<string, unknown>`.
export type OperationNodeData = {
  doc: NodeDoc;
  readOnly: boolean;
  /** The node's state in the run shown on the canvas, if any. */
  run?: NodeRunState;
  /** Problems found in the node: the messages, and the names of the ports they concern. */
  problems?: { messages: readonly string[]; ports: readonly string[] };
};

export type OperationFlowNode = Node<OperationNodeData, "operation">;

/** The current time, refreshed every second while `active` (for the duration of a running node). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * Below this zoom a card's small print (kind, status text, inline values, thumbnails) cannot be
 * read: it is left out, which also keeps a zoomed-out 1,000-node graph cheap to draw.
 */
export const DETAIL_ZOOM = 0.45;

const farSelector = (state: ReactFlowState) => state.transform[2] < DETAIL_ZOOM;

function statusLabel(status: string): string {
  return status.replace(/_/g, " ").toLowerCase();
}

function portTitle(input: InputPort): string {
  const limit = input.max_count < 0 ? "any number" : `${input.min_count}–${input.max_count}`;
  return `${input.name}: ${input.file_types.join(" | ")} (${limit})`;
}

/** A port's connection point, coloured by its type; its id is the port's name. */
function PortHandle({ type, name, fileType, readOnly }: { type: "source" | "target"; name: string; fileType: string; readOnly: boolean }) {
  return (
    <Handle
      type={type}
      position={type === "target" ? Position.Left : Position.Right}
      id={name}
      isConnectable={!readOnly}
      className="op-handle"
      style={{ background: typeColor(fileType) }}
    />
  );
}

function InputRow({ nodeId, input, readOnly, problem, far }: { nodeId: string; input: InputPort; readOnly: boolean; problem: boolean; far: boolean }) {
  const actions = useCanvasActions();
  const type = inlineType(input);
  // An input fed by a link or a stored resource has no inline value to edit.
  const editable = type !== null && !input.values.some((value) => isLink(value) || isResource(value));
  return (
    <li className={`op-port op-port-in${problem ? " problem" : ""}`}>
      <PortHandle type="target" name={input.name} fileType={input.file_types[0] ?? ""} readOnly={readOnly} />
      <span className="op-port-name" title={portTitle(input)}>
        {input.name}
      </span>
      {editable && type && !far && (
        <InlineValue
          input={input}
          type={type}
          readOnly={readOnly || !actions}
          onChange={(value) => actions?.setInlineValue(nodeId, input.name, value)}
        />
      )}
    </li>
  );
}

/**
 * A workflow node on the canvas: title and kind, its run status and duration, inputs on the left
 * and outputs on the right with ports coloured by type, inline values of unconnected primitive
 * inputs, and thumbnails of the outputs a run produced.
 */
export const OperationNode = memo(function OperationNode({ data, selected }: NodeProps<OperationFlowNode>) {
  const { doc, readOnly, run, problems } = data;
  // Every node re-renders only when the zoom crosses the threshold, not on each zoom step.
  const far = useStore(farSelector);
  const status = run?.status;
  const running = status !== undefined && !FINAL_STATUSES.has(status) && Boolean(run?.started_at);
  const now = useNow(running);
  const seconds = runSeconds(run, now);
  const title = doc.title || "Untitled";
  const problemPorts = new Set(problems?.ports ?? []);
  const classes = ["op-node"];
  if (selected) classes.push("selected");
  if (far) classes.push("far");
  if (problems && problems.messages.length > 0) classes.push("has-problem");

  return (
    <div
      className={classes.join(" ")}
      role="group"
      data-testid="node"
      data-node-id={doc._id}
      aria-label={title}
      data-status={status}
      title={problems?.messages.join("\n") || undefined}
    >
      <div className="op-node-header">
        <div className="op-node-title">{title}</div>
        <div className="op-node-meta">
          <span className="op-node-kind">{doc.kind}</span>
          {status && !far && (
            <span className="op-node-status">
              <span className="op-node-dot" aria-hidden="true" />
              {statusLabel(status)}
              {seconds !== null && <span className="op-node-duration"> · {formatDuration(seconds)}</span>}
            </span>
          )}
        </div>
      </div>
      <div className="op-node-ports">
        <ul className="op-ports op-inputs">
          {doc.inputs.map((input) => (
            <InputRow key={input.name} nodeId={doc._id} input={input} readOnly={readOnly} problem={problemPorts.has(input.name)} far={far} />
          ))}
        </ul>
        <ul className="op-ports op-outputs">
          {doc.outputs.map((output) => {
            const resourceId = run?.outputs?.[output.name];
            return (
              <li key={output.name} className={`op-port op-port-out${problemPorts.has(output.name) ? " problem" : ""}`}>
                <span className="op-port-name" title={`${output.name}: ${output.file_type}`}>
                  {output.name}
                </span>
                <PortHandle type="source" name={output.name} fileType={output.file_type} readOnly={readOnly} />
                {resourceId && !far && hasThumbnail(output.file_type) && (
                  <OutputThumbnail resourceId={resourceId} name={output.name} fileType={output.file_type} />
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
});
