import { ApiError } from "@/lib/api/client";

/** An error for people: the server's message as text (never as HTML), and a retry when it may help. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : "Something went wrong.";
  const status = error instanceof ApiError && error.status > 0 ? ` (${error.status})` : "";
  return (
    <div className="error-message" role="alert">
      <span>
        {message}
        {status}
      </span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
