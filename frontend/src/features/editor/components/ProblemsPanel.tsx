import type { Problem } from "../graph/rules";
import type { NodeDoc } from "../graph/types";

interface ProblemsPanelProps {
  /** Problems the editor sees in the graph as it is now. */
  live: readonly Problem[];
  /** Problems the server found at the last save (they may be out of date after further edits). */
  server: readonly Problem[];
  nodes: readonly NodeDoc[];
  onFocus: (nodeId: string) => void;
}

function ProblemList({ problems, titles, onFocus }: { problems: readonly Problem[]; titles: Map<string, string>; onFocus: (nodeId: string) => void }) {
  return (
    <ul className="problem-list">
      {problems.map((problem, index) => (
        <li key={`${problem.nodeId}-${index}`}>
          {problem.nodeId && titles.has(problem.nodeId) ? (
            <button type="button" className="problem" onClick={() => onFocus(problem.nodeId)}>
              {problem.message}
            </button>
          ) : (
            <span className="problem">{problem.message}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What keeps the workflow from running; clicking a problem selects its node and shows it. */
export function ProblemsPanel({ live, server, nodes, onFocus }: ProblemsPanelProps) {
  const titles = new Map(nodes.map((node) => [node._id, node.title]));
  // A problem both sides see is listed once, as the editor's.
  const seen = new Set(live.map((problem) => problem.message));
  const serverOnly = server.filter((problem) => !seen.has(problem.message));
  const count = live.length + serverOnly.length;
  return (
    <aside className="editor-panel problems" aria-label="Problems">
      <h2>
        Problems <span className={`count${count > 0 ? " bad" : ""}`}>{count}</span>
      </h2>
      {count === 0 && <p className="muted small">No problems found.</p>}
      {live.length > 0 && <ProblemList problems={live} titles={titles} onFocus={onFocus} />}
      {serverOnly.length > 0 && (
        <>
          <h3 className="problems-source">Found by the server at the last save</h3>
          <ProblemList problems={serverOnly} titles={titles} onFocus={onFocus} />
        </>
      )}
    </aside>
  );
}
