import { python } from "@codemirror/lang-python";
import { StreamLanguage } from "@codemirror/language";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import CodeMirror from "@uiw/react-codemirror";
import { useMemo } from "react";

export type CodeLanguage = "python" | "shell" | "text";

const shellLanguage = StreamLanguage.define(shell);

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language: CodeLanguage;
  readOnly?: boolean;
  /** The accessible name of the editing area. */
  label: string;
  minHeight?: string;
  maxHeight?: string;
}

/** A script editor with Python or shell highlighting (CodeMirror 6). */
export function CodeEditor({ value, onChange, language, readOnly = false, label, minHeight = "8rem", maxHeight }: CodeEditorProps) {
  const extensions = useMemo(
    () => (language === "python" ? [python()] : language === "shell" ? [shellLanguage] : []),
    [language],
  );
  return (
    <CodeMirror
      className="code-editor"
      value={value}
      onChange={onChange}
      extensions={extensions}
      readOnly={readOnly}
      editable={!readOnly}
      minHeight={minHeight}
      maxHeight={maxHeight}
      aria-label={label}
      basicSetup={{ foldGutter: false, highlightActiveLine: !readOnly }}
    />
  );
}

/** The highlighting that suits an operation's kind. */
export function languageOfKind(kind: string): CodeLanguage {
  if (kind.startsWith("python")) return "python";
  if (kind.startsWith("bash") || kind.startsWith("sh")) return "shell";
  return "text";
}
