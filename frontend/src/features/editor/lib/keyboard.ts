/** Keyboard helpers of the editor's shortcuts. */

/** Whether the event's target takes text, so editing keys (Ctrl+Z, Delete, Ctrl+C) belong to it. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "color", "range"].includes(target.type);
  }
  // CodeMirror's editing surface.
  return target.closest(".cm-editor") !== null;
}

/** Ctrl on Linux and Windows, ⌘ on a Mac. */
export function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey;
}

export type EditorCommand = "save" | "undo" | "redo";

/** The editor command a key press asks for, or null. Save works even in a text field. */
export function commandOf(event: KeyboardEvent): EditorCommand | null {
  if (!hasModifier(event) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "s") return "save";
  if (isTextField(event.target)) return null;
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && !event.shiftKey) return "redo";
  return null;
}
