import { Link } from "react-router-dom";

export type EditorBusy = "saving" | "running" | "layout" | "cloning" | null;

interface EditorToolbarProps {
  readOnly: boolean;
  busy: EditorBusy;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  hasNodes: boolean;
  autoRun: boolean;
  /** The run shown on the canvas (auto-run), with its status once known. */
  liveRun: { id: string; status?: string } | null;
  onSave: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onDelete: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onLayout: () => void;
  onFitView: () => void;
  onAutoRun: (on: boolean) => void;
  onRun: () => void;
}

/** The editor's commands; a read-only workflow gets only Fit view and Run. */
export function EditorToolbar(props: EditorToolbarProps) {
  const { readOnly, busy, liveRun } = props;
  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Editor">
      {!readOnly && (
        <>
          {/* Not while a layout is computed: the save would store the nodes where they were. */}
          <button
            type="button"
            onClick={props.onSave}
            disabled={busy === "saving" || busy === "layout"}
            aria-keyshortcuts="Control+S"
            title="Save (Ctrl+S)"
          >
            {busy === "saving" ? "Saving…" : "Save"}
          </button>
          <span className="toolbar-gap" />
          <button type="button" onClick={props.onUndo} disabled={!props.canUndo} aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button
            type="button"
            onClick={props.onRedo}
            disabled={!props.canRedo}
            aria-keyshortcuts="Control+Shift+Z Control+Y"
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
          </button>
          <span className="toolbar-gap" />
          <button type="button" onClick={props.onDelete} disabled={!props.hasSelection} aria-keyshortcuts="Delete" title="Delete the selected nodes (Delete)">
            Delete
          </button>
          <button type="button" onClick={props.onCopy} disabled={!props.hasSelection} aria-keyshortcuts="Control+C" title="Copy the selected nodes (Ctrl+C)">
            Copy
          </button>
          <button type="button" onClick={props.onPaste} aria-keyshortcuts="Control+V" title="Paste nodes (Ctrl+V)">
            Paste
          </button>
          <span className="toolbar-gap" />
          <button type="button" onClick={props.onLayout} disabled={busy === "layout" || !props.hasNodes} title="Arrange the nodes left to right">
            Auto layout
          </button>
        </>
      )}
      <button type="button" onClick={props.onFitView} title="Show the whole workflow">
        Fit view
      </button>
      <span className="toolbar-spacer" />
      {liveRun && (
        <span className="live-run small">
          {liveRun.status ? `Run ${liveRun.status.toLowerCase().replace(/_/g, " ")}` : "Run started"} ·{" "}
          <Link to={`/runs/${liveRun.id}`}>Open the run</Link>
        </span>
      )}
      {!readOnly && (
        <label className="auto-run" title="Run the workflow after every save; unchanged nodes come from the cache">
          <input type="checkbox" checked={props.autoRun} onChange={(event) => props.onAutoRun(event.target.checked)} />
          Auto-run
        </label>
      )}
      <button type="button" className="primary" onClick={props.onRun} disabled={busy === "running" || busy === "saving"}>
        Run
      </button>
    </div>
  );
}
