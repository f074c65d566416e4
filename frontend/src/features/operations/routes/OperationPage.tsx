import { useEffect, useEffectEvent, useId, useMemo, useRef, useState } from "react";
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { CodeEditor, languageOfKind } from "@/components/CodeEditor";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import type { CodeValue } from "@/features/editor/graph/types";
import { TextField } from "@/features/editor/properties/TextField";
import { formatDateTime } from "@/lib/format";
import type { Operation } from "@/lib/api/types";

import {
  type LifecycleAction,
  type OperationDraft,
  isStaticKind,
  newOperationDraft,
  toDraft,
  useCloneOperation,
  useOperation,
  useOperationKinds,
  useOperationLifecycle,
  usePreviewCommand,
  useResourceKinds,
  useSaveOperation,
} from "../api/operation";
import { DeprecateDialog } from "../components/DeprecateDialog";
import { checkDraft, problemsFromError, problemsOf, scriptParameter, type Problem } from "../components/draft";
import { ParametersEditor } from "../components/ParametersEditor";
import { InputsEditor, OutputsEditor } from "../components/PortsEditor";
import { FieldProblems } from "../components/Problems";
import "../components/operation.css";

/** The operation editor: `/operations/:id`, and `/operations/new` (optionally `?kind=python`). */
export function OperationPage() {
  const { operationId = "" } = useParams();
  if (operationId === "new") return <NewOperation />;
  return <ExistingOperation key={operationId} id={operationId} />;
}

function ExistingOperation({ id }: { id: string }) {
  const operation = useOperation(id);
  if (operation.isPending) return <Loading label="Loading the operation" />;
  if (operation.isError) {
    return (
      <section className="page">
        <Link to="/operations" className="muted small">
          ← Operations
        </Link>
        <ErrorMessage error={operation.error} onRetry={() => void operation.refetch()} />
      </section>
    );
  }
  return <OperationEditor operation={operation.data} />;
}

/** A new operation: first its kind (from the hubs' groups), then the editor, unsaved until Save. */
function NewOperation() {
  const [params, setParams] = useSearchParams();
  const chosen = params.get("kind");
  const kinds = useOperationKinds();
  const kind = chosen ? kinds.data?.find((k) => k.kind === chosen) : undefined;
  const initial = useMemo(
    () => (chosen ? newOperationDraft(chosen, `New ${kind?.title ?? chosen} operation`) : null),
    [chosen, kind?.title],
  );

  if (initial) return <OperationEditor key={chosen} operation={null} initial={initial} />;
  return (
    <section className="page op-page">
      <Link to="/operations" className="muted small">
        ← Operations
      </Link>
      <h1>New operation</h1>
      <p className="muted">Choose what kind of operation to write.</p>
      {kinds.isPending && <Loading label="Loading the operation kinds" />}
      {kinds.isError && <ErrorMessage error={kinds.error} onRetry={() => void kinds.refetch()} />}
      {kinds.isSuccess && (
        <ul className="op-kinds" aria-label="Operation kinds">
          {kinds.data.filter((k) => !isStaticKind(k.kind)).map((k) => (
            <li key={k.kind}>
              <button type="button" className="op-kind" style={{ borderLeftColor: k.color }} onClick={() => setParams({ kind: k.kind })}>
                <strong>{k.title}</strong>
                <span className="muted small">{k.kind}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A link to another operation, by its title once known (an id the caller may not view stays an id). */
function OperationLink({ id }: { id: string }) {
  const other = useOperation(id);
  return <Link to={`/operations/${id}`}>{other.data?.title || id}</Link>;
}

type Notice = { tone: "info" | "error"; text: string } | null;

const sameDraft = (a: OperationDraft, b: OperationDraft) => JSON.stringify(a) === JSON.stringify(b);

function OperationEditor({ operation, initial }: { operation: Operation | null; initial?: OperationDraft }) {
  const navigate = useNavigate();
  const id = useId();
  const operationId = operation?.id ?? null;
  const baseline = useMemo(() => (operation ? toDraft(operation) : (initial as OperationDraft)), [operation, initial]);
  const baseKey = operation ? `${operation.id}@${operation.updated_at}` : "new";
  const [edit, setEdit] = useState<{ base: string; draft: OperationDraft } | null>(null);
  const draft = edit !== null && edit.base === baseKey ? edit.draft : baseline;

  const [notice, setNotice] = useState<Notice>(null);
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [deprecating, setDeprecating] = useState<"deprecate" | "mandatory" | null>(null);

  const save = useSaveOperation(operationId);
  const lifecycle = useOperationLifecycle(operationId ?? "");
  const clone = useCloneOperation(operationId ?? "");
  const preview = usePreviewCommand(operationId);
  const resourceKinds = useResourceKinds();

  const isNew = operation === null;
  const status = operation?.node_status ?? "CREATED";
  const othersOperation = operation?.readonly ?? false;
  const editable = !othersOperation && status === "CREATED";
  const dirty = isNew || !sameDraft(draft, baseline);
  const localProblems = useMemo(() => checkDraft(draft), [draft]);
  const problems = [...localProblems, ...serverProblems];
  const busy = save.isPending || lifecycle.isPending || clone.isPending;

  const unsaved = editable && dirty && !save.isPending;
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
  // Set when the editor itself moves on (to a created operation, to a clone): nothing is lost then.
  const leaving = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => unsaved && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  const go = (path: string, replace = false) => {
    leaving.current = true;
    navigate(path, { replace });
    leaving.current = false;
  };

  const change = (fields: Partial<OperationDraft>) => {
    setEdit({ base: baseKey, draft: { ...draft, ...fields } });
    setServerProblems([]);
  };

  const failed = (error: unknown, what: string) => {
    setServerProblems(problemsFromError(error));
    setNotice({ tone: "error", text: `${what}: ${error instanceof Error ? error.message : "the request failed"}` });
  };

  /** Save the draft; resolves to the saved operation, or null when nothing could be saved. */
  const saveDraft = async (): Promise<Operation | null> => {
    if (!editable || !dirty) return operation;
    if (localProblems.length > 0) {
      setNotice({
        tone: "error",
        text: `Fix ${localProblems.length === 1 ? "the problem" : `the ${localProblems.length} problems`} shown before saving: ${localProblems[0].message}`,
      });
      return null;
    }
    const sent = draft;
    try {
      const saved = await save.mutateAsync(sent);
      setServerProblems([]);
      setNotice({ tone: "info", text: isNew ? "Operation created." : "Saved." });
      // Edits made while the request was in flight stay, on top of what was saved.
      setEdit((current) =>
        current === null || current.draft === sent ? null : { base: `${saved.id}@${saved.updated_at}`, draft: current.draft },
      );
      if (isNew) go(`/operations/${saved.id}`, true);
      return saved;
    } catch (error) {
      failed(error, "The operation was not saved");
      return null;
    }
  };

  const onSaveKey = useEffectEvent(() => void saveDraft());
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        onSaveKey();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const showPreview = async () => {
    // The server previews the saved operation: unsaved changes are saved first.
    if (editable && dirty && (await saveDraft()) === null) return;
    try {
      await preview.mutateAsync();
    } catch (error) {
      failed(error, "The command could not be previewed");
    }
  };

  const runLifecycle = async (action: LifecycleAction, successor: string | null = null) => {
    if (action === "approve" && dirty && (await saveDraft()) === null) return;
    try {
      await lifecycle.mutateAsync({ action, successor });
      setDeprecating(null);
      setServerProblems([]);
      setNotice({ tone: "info", text: action === "approve" ? "Approved: workflows can use the operation now." : "Deprecated." });
    } catch (error) {
      failed(error, action === "approve" ? "The operation was not approved" : "The operation was not deprecated");
    }
  };

  const cloneToEdit = async () => {
    try {
      const copy = await clone.mutateAsync();
      setNotice(null);
      go(`/operations/${copy.id}`);
    } catch (error) {
      failed(error, "The operation could not be cloned");
    }
  };

  const script = scriptParameter(draft);
  const language = languageOfKind(draft.kind);
  const setScript = (text: string) => {
    const mode: CodeValue["mode"] = language === "shell" ? "sh" : language === "python" ? "python" : ((script?.value as CodeValue).mode ?? "python");
    change({ parameters: draft.parameters.map((p) => (p === script ? { ...p, value: { value: text, mode } } : p)) });
  };

  const why = othersOperation
    ? `This operation belongs to ${operation?.author_name ?? "another user"}: you can read it, or clone it to make your own.`
    : status !== "CREATED"
      ? `This operation is ${status.toLowerCase().replace(/_/g, " ")}: workflows may use it, so it no longer changes. Clone it to edit a new version.`
      : null;

  return (
    <section className="page op-page">
      <header className="op-header">
        <div className="op-heading">
          <Link to="/operations" className="muted small">
            ← Operations
          </Link>
          <h1>{draft.title.trim() || "Untitled operation"}</h1>
          <div className="op-meta muted small">
            <StatusBadge status={status} />
            <span className="op-kind-tag">{draft.kind}</span>
            {operation && (
              <>
                <span>{operation.author_name}</span>
                <span>updated {formatDateTime(operation.updated_at)}</span>
              </>
            )}
            {operation?.parent_node && (
              <span>
                a version of <OperationLink id={operation.parent_node} />
              </span>
            )}
            {operation?.successor_node && (
              <span>
                replaced by <OperationLink id={operation.successor_node} />
              </span>
            )}
            {editable && (
              <span className={dirty ? "op-dirty" : "op-clean"} aria-live="polite">
                {isNew ? "Not saved yet" : dirty ? "Unsaved changes" : "All changes saved"}
              </span>
            )}
          </div>
        </div>
        <div className="op-actions">
          {editable && (
            <button type="button" className="primary" disabled={!dirty || busy} onClick={() => void saveDraft()} title="Save (Ctrl+S)">
              {save.isPending ? "Saving…" : "Save"}
            </button>
          )}
          {!isNew && !othersOperation && status === "CREATED" && (
            <button type="button" disabled={busy} onClick={() => void runLifecycle("approve")}>
              Approve
            </button>
          )}
          {!othersOperation && deprecating === null && status === "READY" && (
            <button type="button" disabled={busy} onClick={() => setDeprecating("deprecate")}>
              Deprecate
            </button>
          )}
          {!othersOperation && deprecating === null && (status === "READY" || status === "DEPRECATED") && (
            <button type="button" disabled={busy} onClick={() => setDeprecating("mandatory")}>
              Mandatory deprecate
            </button>
          )}
          {!isNew && !editable && (
            <button type="button" className="primary" disabled={busy} onClick={() => void cloneToEdit()}>
              {clone.isPending ? "Cloning…" : "Clone to edit"}
            </button>
          )}
        </div>
      </header>

      {why && <p className="notice op-notice">{why}</p>}
      {notice && (
        <p className={notice.tone === "error" ? "op-notice-error" : "op-notice-info"} role={notice.tone === "error" ? "alert" : "status"}>
          {notice.text}
        </p>
      )}
      {blocker.state === "blocked" && (
        <div className="op-dialog" role="alertdialog" aria-labelledby={`${id}-leave`}>
          <p id={`${id}-leave`}>This operation has unsaved changes. Leave and lose them?</p>
          <div className="op-dialog-actions">
            <button type="button" onClick={() => blocker.reset()}>
              Stay
            </button>
            <button type="button" className="danger" onClick={() => blocker.proceed()}>
              Leave without saving
            </button>
          </div>
        </div>
      )}
      {deprecating && operationId && (
        <DeprecateDialog
          operationId={operationId}
          mandatory={deprecating === "mandatory"}
          pending={lifecycle.isPending}
          onCancel={() => setDeprecating(null)}
          onConfirm={(action, successor) => void runLifecycle(action, successor)}
        />
      )}

      <div className="op-layout">
        <div className="op-column">
          <section className="op-section" aria-label="General">
            <TextField
              label="Title"
              value={draft.title}
              disabled={!editable}
              invalid={problemsOf(problems, "general", "title").length > 0}
              onChange={(title) => change({ title })}
            >
              <FieldProblems problems={problemsOf(problems, "general", "title")} />
            </TextField>
            <TextField label="Description" rows={3} value={draft.description} disabled={!editable} onChange={(description) => change({ description })}>
              <FieldProblems problems={problemsOf(problems, "general", "description")} />
            </TextField>
            <FieldProblems problems={problems.filter((p) => p.section === "general" && p.name !== "title" && p.name !== "description")} />
          </section>
          <InputsEditor
            ports={draft.inputs}
            onChange={(inputs) => change({ inputs })}
            readOnly={!editable}
            fileTypes={resourceKinds.data ?? []}
            problems={problems}
          />
          <OutputsEditor
            ports={draft.outputs}
            onChange={(outputs) => change({ outputs })}
            readOnly={!editable}
            fileTypes={resourceKinds.data ?? []}
            problems={problems}
          />
          <ParametersEditor
            parameters={draft.parameters}
            onChange={(parameters) => change({ parameters })}
            readOnly={!editable}
            problems={problems}
          />
        </div>
        <div className="op-column op-column-wide">
          {script && (
            <section className="op-section">
              <div className="op-section-head">
                <h2>Script</h2>
                <span className="muted small">{language === "shell" ? "Bash with Jinja2 templates" : language === "python" ? "Python" : draft.kind}</span>
              </div>
              <CodeEditor
                value={(script.value as CodeValue).value ?? ""}
                language={language === "text" ? ((script.value as CodeValue).mode === "sh" ? "shell" : "python") : language}
                readOnly={!editable}
                label="Script"
                minHeight="16rem"
                maxHeight="60vh"
                onChange={setScript}
              />
              <FieldProblems problems={problemsOf(problems, "script")} />
            </section>
          )}
          {!isNew && (
            <section className="op-section" aria-label="Command preview">
              <div className="op-section-head">
                <h2>Command preview</h2>
                <button type="button" disabled={preview.isPending || busy} onClick={() => void showPreview()}>
                  {preview.isPending ? "Preparing…" : "Preview command"}
                </button>
              </div>
              {preview.data ? (
                <CodeEditor
                  value={preview.data.preview_text}
                  language={language === "text" ? "shell" : language}
                  readOnly
                  label="Command a worker would run"
                  maxHeight="50vh"
                />
              ) : (
                <p className="op-empty">
                  The exact script a worker would run, with its inputs, outputs and parameters filled in.
                  {editable && dirty ? " Unsaved changes are saved first." : ""}
                </p>
              )}
            </section>
          )}
        </div>
      </div>
    </section>
  );
}
