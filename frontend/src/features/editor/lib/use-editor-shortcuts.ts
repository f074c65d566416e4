import { useEffect, useLayoutEffect, useRef } from "react";

import { parseClipboard, type ClipboardPayload } from "../graph/edit";
import { commandOf, isTextField } from "./keyboard";

export interface EditorShortcuts {
  save: () => void;
  undo: () => void;
  redo: () => void;
  /** What Ctrl+C puts on the clipboard (the selected nodes), or null to leave the event alone. */
  copy: () => ClipboardPayload | null;
  paste: (payload: ClipboardPayload) => void;
}

/**
 * Ctrl/⌘+S, Z, Shift+Z, Y anywhere on the page, and copy and paste of nodes through the system
 * clipboard (the browser's copy and paste events, so nodes travel between tabs and workflows).
 * Text fields keep their own editing keys and clipboard; Ctrl+S saves from anywhere.
 */
export function useEditorShortcuts(shortcuts: EditorShortcuts): void {
  const latest = useRef(shortcuts);
  useLayoutEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const command = commandOf(event);
      if (!command) return;
      event.preventDefault();
      latest.current[command]();
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isTextField(event.target) || window.getSelection()?.toString()) return;
      const payload = latest.current.copy();
      if (!payload || !event.clipboardData) return;
      event.clipboardData.setData("text/plain", JSON.stringify(payload));
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isTextField(event.target)) return;
      const payload = parseClipboard(event.clipboardData?.getData("text/plain") ?? "");
      if (!payload) return;
      event.preventDefault();
      latest.current.paste(payload);
    };
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, []);
}
