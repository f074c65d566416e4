import { Link } from "react-router-dom";

interface EditorHeaderProps {
  title: string;
  description: string;
  readOnly: boolean;
  dirty: boolean;
  nodeCount: number;
  author: string;
  onText: (field: "title" | "description", value: string) => void;
  /** The user left the title or description field (its typing is one undo step). */
  onTextDone: () => void;
}

/** The workflow's title and description (editable in place), its save state and size. */
export function EditorHeader({ title, description, readOnly, dirty, nodeCount, author, onText, onTextDone }: EditorHeaderProps) {
  return (
    <header className="editor-header">
      <div className="editor-heading">
        <Link to="/workflows" className="muted small">
          ← Workflows
        </Link>
        {readOnly ? (
          <h1 className="editor-title">{title || "Untitled"}</h1>
        ) : (
          <input
            className="editor-title-input"
            aria-label="Workflow title"
            placeholder="Untitled workflow"
            value={title}
            onChange={(event) => onText("title", event.target.value)}
            onBlur={onTextDone}
          />
        )}
        {readOnly ? (
          description && <p className="editor-description">{description}</p>
        ) : (
          <textarea
            className="editor-description-input"
            aria-label="Workflow description"
            placeholder="Add a description"
            rows={1}
            value={description}
            onChange={(event) => onText("description", event.target.value)}
            onBlur={onTextDone}
          />
        )}
      </div>
      <div className="editor-save-state small">
        {!readOnly && (dirty ? <span className="dirty">Unsaved changes</span> : <span className="muted">All changes saved</span>)}
        <span className="muted">
          {readOnly ? "" : " · "}
          {nodeCount} {nodeCount === 1 ? "node" : "nodes"} · {author}
        </span>
      </div>
    </header>
  );
}
