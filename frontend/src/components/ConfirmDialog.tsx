import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";

import "./dialog.css";

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal question: the rest of the page is inert while it is open, Tab stays inside it, Escape
 * or a click beside it cancels, and focus goes back where it was when it closes. It opens on
 * Cancel, so a stray Enter never confirms a destructive action.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  pendingLabel,
  danger = false,
  pending = false,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs ("Deleting"). */
  pendingLabel?: string;
  danger?: boolean;
  pending?: boolean;
  /** Why the action was refused, shown in the dialog (which stays open). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const layer = dialogRef.current?.closest(".dialog-layer");
    // Everything beside the dialog leaves the tab order and the accessibility tree.
    const others = Array.from(document.body.children).filter((element) => element !== layer && !element.hasAttribute("inert"));
    others.forEach((element) => element.setAttribute("inert", ""));
    cancelRef.current?.focus();
    return () => {
      others.forEach((element) => element.removeAttribute("inert"));
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function cancel() {
    if (!pending) onCancel();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      cancel();
      return;
    }
    if (event.key !== "Tab" || !dialogRef.current) return;
    const focusable = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div className="dialog-layer">
      <div className="dialog-backdrop" onClick={cancel} aria-hidden="true" />
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        // A click on the dialog's text keeps the focus in it (and Escape working).
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div id={bodyId} className="dialog-body">
          {children}
        </div>
        {error && (
          <p className="dialog-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button ref={cancelRef} type="button" onClick={cancel} disabled={pending}>
            Cancel
          </button>
          <button type="button" className={danger ? "danger" : "primary"} onClick={onConfirm} disabled={pending}>
            {pending ? `${pendingLabel ?? confirmLabel}…` : confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
