import { ApiError } from "@/lib/api/client";

/**
 * A refusal as one sentence for people: the server's `detail`, else its field messages without
 * the field names (a dialog or a row has no field to point at).
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const body = error.body;
    const hasDetail = !!body && typeof body === "object" && "detail" in body;
    const fields = Object.values(error.fieldErrors).flat();
    if (!hasDetail && fields.length > 0) {
      return fields.map((message) => message.charAt(0).toUpperCase() + message.slice(1)).join(" ");
    }
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

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
