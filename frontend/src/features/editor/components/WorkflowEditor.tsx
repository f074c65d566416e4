import type { Edge, ReactFlowInstance } from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";

import { useMe } from "@/features/auth/api/me";
import { useRun, useRunNodes, toNodeStatuses } from "@/features/runs/api/run";
import { useRuns } from "@/features/runs/api/runs";
import { ApiError } from "@/lib/api/client";
import type { Workflow } from "@/lib/api/types";

import { useCatalog } from "../api/catalog";
import { runWorkflow, useCloneWorkflow, useSaveWorkflow, validateWorkflow } from "../api/workflow";
import { addNode, connect, copyNodes, newObjectId, parseClipboard, pasteNodes, removeNodes, type ClipboardPayload } from "../graph/edit";
import { canRedo, canUndo } from "../graph/history";
import { validateGraph, type DanglingWire, type Problem } from "../graph/rules";
import type { Connection, NodeDoc, Parameter } from "../graph/types";
import { PropertiesPanel, WorkflowParametersPanel, applyWorkflowParameters, type NodeLinks } from "../properties";
import { buildCatalog, compatibleEntries, uniqueEntries, type CatalogEntry } from "../lib/catalog";
import { toEditorDoc } from "../lib/editor-doc";
import { layoutNodes } from "../lib/elk-layout";
import { serverProblems } from "../lib/server-problems";
import { useEditorShortcuts } from "../lib/use-editor-shortcuts";
import { editorReducer, initialEditorState, isEditorDirty } from "../state/editor-state";
import { CatalogPanel } from "./CatalogPanel";
import { DanglingWireMenu } from "./DanglingWireMenu";
import { EditorHeader } from "./EditorHeader";
import { EditorToolbar, type EditorBusy } from "./EditorToolbar";
import { GraphCanvas, type DanglingWireDrop, type XY } from "./GraphCanvas";
import { LeaveGuard } from "./LeaveGuard";
import type { OperationFlowNode } from "./OperationNode";
import { ProblemsPanel } from "./ProblemsPanel";

type Notice = { kind: "error" | "info"; text: string };

interface WireMenu {
  drop: DanglingWireDrop;
  wire: DanglingWire;
  label: string;
  at: XY;
}

// Half a node card: an operation added "at" a point is centred on it.
const CARD_OFFSET = { x: 110, y: 30 };
// Pasted copies land down and to the right of whatever already sits where they would go.
const PASTE_STEP = 40;
// The dangling-wire menu's size, to keep it inside the canvas.
const MENU_SIZE = { width: 260, height: 220 };
// Information (not errors) fades after a while; errors stay until the next action.
const INFO_MS = 4_000;

/**
 * How far to move pasted nodes: not at all if their places are free (a paste into another
 * workflow), else one step further for each copy already there (repeated pastes fan out).
 */
function pasteOffset(nodes: readonly NodeDoc[], payload: ClipboardPayload): XY {
  const [first] = payload.nodes;
  if (!first) return { x: 0, y: 0 };
  const taken = new Set(nodes.map((node) => `${node.x},${node.y}`));
  let steps = 0;
  while (taken.has(`${first.x + steps * PASTE_STEP},${first.y + steps * PASTE_STEP}`)) steps += 1;
  return { x: steps * PASTE_STEP, y: steps * PASTE_STEP };
}

function titlesOf(nodes: readonly NodeDoc[]): Map<string, string> {
  return new Map(nodes.map((node) => [node._id, node.title]));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The run's outputs and logs of a node, as links for the properties panel. */
function runLinks(runId: string, nodeId: string, node: { outputs: { name: string; resource_id: string | null }[]; logs: Record<string, string> } | undefined): NodeLinks {
  if (!node) return { outputs: [], logs: [] };
  const base = `/runs/${encodeURIComponent(runId)}?node=${encodeURIComponent(nodeId)}`;
  return {
    outputs: node.outputs
      .filter((output) => output.resource_id)
      .map((output) => ({ name: output.name, href: `${base}&output=${encodeURIComponent(output.name)}` })),
    logs: Object.keys(node.logs).map((name) => ({ name, href: `${base}&log=${encodeURIComponent(name)}` })),
  };
}

/**
 * The workflow editor: catalog, canvas, properties, problems and the toolbar over one undo
 * history. Someone else's workflow opens read-only, with "Clone to edit".
 */
export function WorkflowEditor({ workflow }: { workflow: Workflow }) {
  const navigate = useNavigate();
  const me = useMe();
  const readOnly = workflow.readonly;
  const [state, dispatch] = useReducer(editorReducer, workflow, (w) => initialEditorState(toEditorDoc(w)));
  const doc = state.history.present;
  const dirty = isEditorDirty(state);
  const [selection, setSelection] = useState<string[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [serverIssues, setServerIssues] = useState<Problem[]>([]);
  const [wireMenu, setWireMenu] = useState<WireMenu | null>(null);
  const [autoRunChoice, setAutoRun] = useState<boolean | null>(null);
  const autoRun = autoRunChoice ?? me.data?.settings.auto_run ?? false;
  const [liveRunId, setLiveRunId] = useState<string | null>(null);
  const [busy, setBusy] = useState<EditorBusy>(null);
  // True while an automatic layout is computed (the keyboard's save reads it between renders).
  const layingOut = useRef(false);

  const flow = useRef<ReactFlowInstance<OperationFlowNode, Edge> | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);
  // The latest state for handlers of document events and async steps.
  const latest = useRef({ doc, dirty, selection });
  useLayoutEffect(() => {
    latest.current = { doc, dirty, selection };
  });
  // Set just before the editor navigates away itself (to a run, to a copy): nothing is lost then.
  const leaving = useRef(false);
  // What was copied, for the Paste button when the system clipboard cannot be read.
  const clipboard = useRef<ClipboardPayload | null>(null);

  const catalogQuery = useCatalog();
  const catalog = useMemo(() => buildCatalog(catalogQuery.data ?? []), [catalogQuery.data]);
  const entries = useMemo(() => uniqueEntries(catalog), [catalog]);

  const selectedIds = useMemo(() => {
    const present = new Set(doc.nodes.map((node) => node._id));
    const kept = selection.filter((id) => present.has(id));
    return kept.length === selection.length ? selection : kept;
  }, [selection, doc.nodes]);

  const liveProblems = useMemo(() => validateGraph(doc.nodes), [doc.nodes]);
  const marked = useMemo(() => [...liveProblems, ...serverIssues], [liveProblems, serverIssues]);

  // The run shown on the canvas (auto-run) or, else, the workflow's latest run for the links.
  const latestRuns = useRuns({ workflow: workflow.id, limit: 1 });
  const linkRunId = liveRunId ?? latestRuns.data?.results[0]?.id ?? "";
  const liveRun = useRun(liveRunId ?? "", { enabled: liveRunId !== null });
  const runNodes = useRunNodes(linkRunId, { enabled: linkRunId !== "" });
  const statuses = useMemo(() => (liveRunId ? toNodeStatuses(runNodes.data) : undefined), [liveRunId, runNodes.data]);
  const nodeLinks = useMemo(() => {
    if (!linkRunId || !runNodes.data) return undefined;
    const byId = new Map(runNodes.data.map((node) => [node.id, node]));
    return (nodeId: string) => runLinks(linkRunId, nodeId, byId.get(nodeId));
  }, [linkRunId, runNodes.data]);

  const saveMutation = useSaveWorkflow(workflow.id);
  const cloneMutation = useCloneWorkflow();

  // ----- feedback -----
  useEffect(() => {
    if (notice?.kind !== "info") return;
    const timer = setTimeout(() => setNotice(null), INFO_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const refuse = useCallback((reason: string) => setNotice({ kind: "error", text: reason }), []);

  // ----- edits -----
  const editNodes = useCallback((nodes: NodeDoc[]) => {
    setNotice((current) => (current?.kind === "error" ? null : current));
    dispatch({ type: "edit", nodes });
  }, []);
  const moveNodes = useCallback((nodes: NodeDoc[], final: boolean) => dispatch({ type: "move", nodes, final }), []);

  // The parameters panel reports a rename right after the change it belongs to: both are applied
  // together, so node parameters linked to the old name follow it instead of losing their link.
  const pendingParameters = useRef<{ parameters: Parameter[]; renamed: Record<string, string> } | null>(null);
  const changeParameters = useCallback((parameters: Parameter[]) => {
    pendingParameters.current = { parameters, renamed: {} };
    queueMicrotask(() => {
      const pending = pendingParameters.current;
      pendingParameters.current = null;
      if (!pending) return;
      const nodes = applyWorkflowParameters(latest.current.doc.nodes, pending.parameters, pending.renamed);
      dispatch({ type: "edit", parameters: pending.parameters, nodes });
    });
  }, []);
  const renameParameter = useCallback((from: string, to: string | null) => {
    if (pendingParameters.current && to !== null) pendingParameters.current.renamed[from] = to;
  }, []);

  const centre = (): XY => {
    const box = canvasBox.current?.getBoundingClientRect();
    const instance = flow.current;
    if (!box || !instance) return { x: 0, y: 0 };
    return instance.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
  };

  const addEntry = (entry: CatalogEntry, at: XY) => {
    if (readOnly) return;
    const id = newObjectId();
    editNodes(addNode(latest.current.doc.nodes, entry.doc, { x: at.x - CARD_OFFSET.x, y: at.y - CARD_OFFSET.y }, () => id));
    setSelection([id]);
  };

  const deleteSelected = () => {
    if (readOnly || selectedIds.length === 0) return;
    editNodes(removeNodes(doc.nodes, selectedIds));
    setSelection([]);
  };

  // ----- clipboard -----
  const copyPayload = (): ClipboardPayload | null => {
    const { doc: current, selection: chosen } = latest.current;
    if (chosen.length === 0) return null;
    const payload = copyNodes(current.nodes, chosen);
    clipboard.current = payload;
    return payload;
  };
  const pastePayload = (payload: ClipboardPayload) => {
    if (readOnly) return;
    const nodes = latest.current.doc.nodes;
    const result = pasteNodes(nodes, payload, pasteOffset(nodes, payload));
    editNodes(result.nodes);
    setSelection(result.pastedIds);
    setNotice({ kind: "info", text: `Pasted ${result.pastedIds.length} ${result.pastedIds.length === 1 ? "node" : "nodes"}.` });
  };
  const copyButton = async () => {
    const payload = copyPayload();
    if (!payload) return;
    const count = `${payload.nodes.length} ${payload.nodes.length === 1 ? "node" : "nodes"}`;
    try {
      await navigator.clipboard.writeText(JSON.stringify(payload));
      setNotice({ kind: "info", text: `Copied ${count}.` });
    } catch {
      setNotice({ kind: "info", text: `Copied ${count} (in this tab only: the system clipboard is not available).` });
    }
  };
  const pasteButton = async () => {
    let payload: ClipboardPayload | null = null;
    try {
      payload = parseClipboard(await navigator.clipboard.readText());
    } catch {
      payload = null;
    }
    payload ??= clipboard.current;
    if (payload) pastePayload(payload);
    else setNotice({ kind: "error", text: "The clipboard holds no nodes. Copy nodes first (Ctrl+C), or paste with Ctrl+V." });
  };

  // ----- save, run, clone -----
  const startRun = async (): Promise<boolean> => {
    setBusy("running");
    try {
      const started = await runWorkflow(workflow.id);
      if (autoRun) {
        setLiveRunId(started.run_id);
      } else {
        leaving.current = true;
        navigate(`/runs/${started.run_id}`);
      }
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.body && typeof error.body === "object" && "validation_error" in error.body) {
        setServerIssues(serverProblems(error.body.validation_error, titlesOf(latest.current.doc.nodes)));
      }
      setNotice({ kind: "error", text: `The workflow could not be run: ${message(error)}` });
      return false;
    } finally {
      setBusy(null);
    }
  };

  /** Save the present document; then validate it and, in auto-run mode, run it. */
  const save = async (): Promise<boolean> => {
    if (readOnly) return false;
    if (layingOut.current) {
      // Ctrl+S while the layout is computed: the nodes are about to move, so save after that.
      setNotice({ kind: "info", text: "The layout is being computed: save again when the nodes have moved." });
      return false;
    }
    const sent = latest.current.doc;
    setBusy("saving");
    try {
      await saveMutation.mutateAsync(sent);
      dispatch({ type: "saved", doc: sent });
      latest.current = { ...latest.current, dirty: latest.current.doc !== sent };
    } catch (error) {
      setBusy(null);
      setNotice({ kind: "error", text: `The workflow could not be saved: ${message(error)}` });
      return false;
    }
    setBusy(null);
    try {
      const result = await validateWorkflow(workflow.id);
      setServerIssues(result.valid ? [] : serverProblems(result.validation_error, titlesOf(sent.nodes)));
    } catch {
      // Validation is advice: the save itself succeeded, and the editor's own checks still show.
      setServerIssues([]);
    }
    if (autoRun) await startRun();
    else setNotice({ kind: "info", text: "Saved." });
    return true;
  };

  const run = async () => {
    if (latest.current.dirty && !readOnly) {
      // In auto-run mode the save starts the run itself.
      const saved = await save();
      if (!saved || autoRun) return;
    }
    await startRun();
  };

  const cloneToEdit = async () => {
    setBusy("cloning");
    try {
      const copy = await cloneMutation.mutateAsync(workflow.id);
      leaving.current = true;
      navigate(`/workflows/${copy.id}`);
    } catch (error) {
      setNotice({ kind: "error", text: `The workflow could not be cloned: ${message(error)}` });
    } finally {
      setBusy(null);
    }
  };

  const layout = async () => {
    if (readOnly) return;
    setBusy("layout");
    layingOut.current = true;
    try {
      const measured = (nodeId: string) => flow.current?.getInternalNode(nodeId)?.measured;
      editNodes(await layoutNodes(latest.current.doc.nodes, measured));
      requestAnimationFrame(() => void flow.current?.fitView({ duration: 300, maxZoom: 1 }));
    } finally {
      layingOut.current = false;
      setBusy(null);
    }
  };

  const focusNode = (nodeId: string) => {
    setSelection([nodeId]);
    void flow.current?.fitView({ nodes: [{ id: nodeId }], duration: 300, maxZoom: 1.2, padding: 0.6 });
  };

  // ----- dangling wires -----
  const openWireMenu = useCallback(
    (drop: DanglingWireDrop) => {
      if (readOnly) return;
      const node = latest.current.doc.nodes.find((candidate) => candidate._id === drop.nodeId);
      if (!node) return;
      let wire: DanglingWire;
      let label: string;
      if (drop.handleType === "source") {
        const output = node.outputs.find((port) => port.name === drop.port);
        if (!output) return;
        wire = { from: "output", fileType: output.file_type };
        label = `output "${output.name}" (${output.file_type})`;
      } else {
        const input = node.inputs.find((port) => port.name === drop.port);
        if (!input) return;
        wire = { from: "input", fileTypes: input.file_types };
        label = `input "${input.name}" (${input.file_types.join(", ")})`;
      }
      const box = canvasBox.current?.getBoundingClientRect();
      // Where the wire was dropped, moved in as far as needed to show the whole menu.
      const x = drop.client.x - (box?.left ?? 0);
      const y = drop.client.y - (box?.top ?? 0);
      const at = {
        x: Math.max(8, Math.min(x, (box?.width ?? Infinity) - MENU_SIZE.width)),
        y: Math.max(8, Math.min(y, (box?.height ?? Infinity) - MENU_SIZE.height)),
      };
      setWireMenu({ drop, wire, label, at });
    },
    [readOnly],
  );
  const closeWireMenu = useCallback(() => setWireMenu(null), []);
  const pickForWire = (menu: WireMenu, entry: CatalogEntry, port: string) => {
    setWireMenu(null);
    const id = newObjectId();
    const { drop } = menu;
    // An operation fed by an output is placed to the right of the drop point, one feeding an input to the left.
    const at = drop.handleType === "source" ? { x: drop.position.x, y: drop.position.y - CARD_OFFSET.y } : { x: drop.position.x - 2 * CARD_OFFSET.x, y: drop.position.y - CARD_OFFSET.y };
    const added = addNode(latest.current.doc.nodes, entry.doc, at, () => id);
    const link: Connection =
      drop.handleType === "source"
        ? { source: drop.nodeId, sourceHandle: drop.port, target: id, targetHandle: port }
        : { source: id, sourceHandle: port, target: drop.nodeId, targetHandle: drop.port };
    const result = connect(added, link);
    editNodes(result.ok ? result.nodes : added);
    setSelection([id]);
    if (!result.ok) refuse(result.reason);
  };
  const wireChoices = useMemo(() => (wireMenu ? compatibleEntries(entries, wireMenu.wire) : []), [wireMenu, entries]);

  useEditorShortcuts({
    save: () => void save(),
    undo: () => dispatch({ type: "undo" }),
    redo: () => dispatch({ type: "redo" }),
    copy: copyPayload,
    paste: pastePayload,
  });
  const mayLeave = useRef(() => !latest.current.dirty || leaving.current);

  const title = doc.title || "Untitled";

  return (
    <section className="page page-canvas editor-page" aria-label={`Workflow ${title}`}>
      <EditorHeader
        title={doc.title}
        description={doc.description}
        readOnly={readOnly}
        dirty={dirty}
        nodeCount={doc.nodes.length}
        author={workflow.author_name}
        onText={(field, value) => dispatch({ type: "text", field, value })}
        onTextDone={() => dispatch({ type: "text-done" })}
      />

      <EditorToolbar
        readOnly={readOnly}
        busy={busy}
        canUndo={canUndo(state.history)}
        canRedo={canRedo(state.history)}
        hasSelection={selectedIds.length > 0}
        hasNodes={doc.nodes.length > 0}
        autoRun={autoRun}
        liveRun={liveRunId ? { id: liveRunId, status: liveRun.data?.status } : null}
        onSave={() => void save()}
        onUndo={() => dispatch({ type: "undo" })}
        onRedo={() => dispatch({ type: "redo" })}
        onDelete={deleteSelected}
        onCopy={() => void copyButton()}
        onPaste={() => void pasteButton()}
        onLayout={() => void layout()}
        onFitView={() => void flow.current?.fitView({ duration: 300, maxZoom: 1 })}
        onAutoRun={setAutoRun}
        onRun={() => void run()}
      />

      {readOnly && (
        <div className="readonly-banner">
          <span>
            You are viewing {workflow.author_name}&apos;s workflow. Clone it to make changes.
          </span>
          <button type="button" className="primary" onClick={() => void cloneToEdit()} disabled={busy === "cloning"}>
            Clone to edit
          </button>
        </div>
      )}

      <div className={`editor-body${readOnly ? " read-only" : ""}`}>
        {!readOnly && (
          <CatalogPanel
            catalog={catalog}
            loading={catalogQuery.isPending}
            error={catalogQuery.error ? message(catalogQuery.error) : null}
            onAdd={(entry) => addEntry(entry, centre())}
          />
        )}
        <div className="editor-canvas" ref={canvasBox}>
          <GraphCanvas
            nodes={doc.nodes}
            readOnly={readOnly}
            statuses={statuses}
            selectedIds={selectedIds}
            onSelectionChange={setSelection}
            problems={marked}
            onChange={editNodes}
            onMove={moveNodes}
            onRefused={refuse}
            onDanglingWire={openWireMenu}
            onDropOperation={(operationId, position) => {
              const entry = entries.find((candidate) => candidate.id === operationId);
              if (entry) addEntry(entry, { x: position.x + CARD_OFFSET.x - 20, y: position.y + CARD_OFFSET.y - 15 });
            }}
            onInit={(instance) => {
              flow.current = instance;
            }}
          />
          {doc.nodes.length === 0 && (
            <p className="canvas-empty">
              {readOnly ? "This workflow has no nodes." : "Drag operations here from the catalog to start."}
            </p>
          )}
          {wireMenu && (
            <DanglingWireMenu
              at={wireMenu.at}
              from={wireMenu.label}
              choices={wireChoices}
              onPick={({ entry, port }) => pickForWire(wireMenu, entry, port)}
              onClose={closeWireMenu}
            />
          )}
          <div className="editor-feedback">
            {notice?.kind === "error" && (
              <div role="alert" className="feedback error">
                <span>{notice.text}</span>
                <button type="button" className="link" onClick={() => setNotice(null)} aria-label="Dismiss">
                  ×
                </button>
              </div>
            )}
            <div role="status" className={notice?.kind === "info" ? "feedback info" : "feedback-empty"}>
              {notice?.kind === "info" ? notice.text : ""}
            </div>
          </div>
        </div>
        <div className="editor-side">
          <PropertiesPanel
            graph={doc.nodes}
            selectedIds={selectedIds}
            readOnly={readOnly}
            onChange={editNodes}
            workflowParameters={doc.parameters}
            nodeLinks={nodeLinks}
          />
          <WorkflowParametersPanel parameters={doc.parameters} readOnly={readOnly} onChange={changeParameters} onRename={renameParameter} />
          <ProblemsPanel live={liveProblems} server={serverIssues} nodes={doc.nodes} onFocus={focusNode} />
        </div>
      </div>

      <LeaveGuard dirty={dirty} mayLeave={mayLeave} />
    </section>
  );
}
