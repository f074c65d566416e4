import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import type { FlowNodeData } from "@/features/editor/graph/convert";

import { typeColor } from "../lib/type-color";

export type ReadOnlyFlowNode = Node<FlowNodeData, "operation">;

/** A workflow node as a card: title, kind, inputs on the left, outputs on the right. */
export const ReadOnlyNode = memo(function ReadOnlyNode({ data, selected }: NodeProps<ReadOnlyFlowNode>) {
  const { doc } = data;
  return (
    <div className={`flow-node${selected ? " selected" : ""}`}>
      <div className="flow-node-title" title={doc.description || doc.title}>
        {doc.title || "Untitled"}
      </div>
      <div className="flow-node-kind">{doc.kind}</div>
      <div className="flow-node-ports">
        <ul className="ports inputs">
          {doc.inputs.map((input) => (
            <li key={input.name} className="port" title={`${input.name}: ${input.file_types.join(" | ")}`}>
              <Handle
                type="target"
                position={Position.Left}
                id={input.name}
                isConnectable={false}
                style={{ background: typeColor(input.file_types[0] ?? "") }}
              />
              {input.name}
            </li>
          ))}
        </ul>
        <ul className="ports outputs">
          {doc.outputs.map((output) => (
            <li key={output.name} className="port" title={`${output.name}: ${output.file_type}`}>
              {output.name}
              <Handle
                type="source"
                position={Position.Right}
                id={output.name}
                isConnectable={false}
                style={{ background: typeColor(output.file_type) }}
              />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
});
