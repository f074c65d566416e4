import { useId, type ReactNode } from "react";

import { ApiError } from "@/lib/api/client";

/** The attributes that tie a control to its label's field: its id, and its error when there is one. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
}

/**
 * A labelled form field with its hint and its errors (the server's messages for this field),
 * which the control is described by, so a screen reader reads them with it.
 */
export function Field({
  label,
  hint,
  errors,
  children,
  className = "field",
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  children: (control: FieldControlProps) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": errors?.length ? true : undefined, "aria-describedby": describedBy })}
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      {errors && errors.length > 0 && (
        <span id={errorId} className="field-error">
          {errors.join(" ")}
        </span>
      )}
    </div>
  );
}

/**
 * A refused form's messages by field path: `{"settings": {"page_size": ["..."]}}` gives
 * `settings.page_size`; the messages about the request as a whole are under `detail`.
 */
export function formErrors(error: unknown): Record<string, string[]> {
  if (!(error instanceof ApiError)) return error ? { detail: [error instanceof Error ? error.message : String(error)] } : {};
  const body = error.body;
  if (!body || typeof body !== "object") return { detail: [error.message] };
  const found: Record<string, string[]> = {};
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") (found[path] ??= []).push(value);
    else if (Array.isArray(value)) value.forEach((item) => walk(item, path));
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    }
  };
  walk(body, "");
  if (found.non_field_errors) {
    (found.detail ??= []).push(...found.non_field_errors);
    delete found.non_field_errors;
  }
  if (Object.keys(found).length === 0) found.detail = [error.message];
  return found;
}

/** The messages of `errors` that no field of `fields` shows, for the form's own alert. */
export function otherErrors(errors: Record<string, string[]>, fields: readonly string[]): string[] {
  return Object.entries(errors).flatMap(([path, messages]) =>
    fields.includes(path) ? [] : path === "detail" ? messages : messages.map((message) => `${path}: ${message}`),
  );
}

/** A form's refusal that no field shows (the request as a whole), as an alert. */
export function FormAlert({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <p className="form-alert" role="alert">
      {messages.join(" ")}
    </p>
  );
}
