import { useEffect, type RefObject } from "react";
import { useBlocker } from "react-router-dom";

/**
 * Asks before leaving the page with unsaved changes: a dialog for the app's own links and the
 * browser's prompt for closing or reloading the tab. `mayLeave` is read at the moment of leaving,
 * so the editor can let itself navigate (to a run it started) without a prompt.
 */
export function LeaveGuard({ dirty, mayLeave }: { dirty: boolean; mayLeave: RefObject<() => boolean> }) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => currentLocation.pathname !== nextLocation.pathname && !mayLeave.current(),
  );
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when a value is returned.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);

  if (blocker.state !== "blocked") return null;
  return (
    <div className="leave-backdrop">
      <div role="alertdialog" aria-modal="true" aria-labelledby="leave-title" className="leave-dialog">
        <h2 id="leave-title">Unsaved changes</h2>
        <p>This workflow has changes that are not saved. Leave without saving them?</p>
        <div className="leave-actions">
          <button type="button" className="primary" onClick={() => blocker.reset()} autoFocus>
            Stay
          </button>
          <button type="button" onClick={() => blocker.proceed()}>
            Leave without saving
          </button>
        </div>
      </div>
    </div>
  );
}
