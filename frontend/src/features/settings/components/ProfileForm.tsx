import { useState, type FormEvent } from "react";

import { Field, FormAlert, formErrors, otherErrors } from "@/components/Field";
import type { Me } from "@/lib/api/types";

import { useUpdateMe, type Theme } from "../api/settings";

// The server's bounds of `page_size` (USER_SETTINGS_PAGE_SIZE_MAX).
const PAGE_SIZE_MAX = 100;
const FIELDS = ["display_name", "settings.theme", "settings.auto_run", "settings.page_size"] as const;

/** The signed-in user's display name and preferences, saved together. */
export function ProfileForm({ me }: { me: Me }) {
  const update = useUpdateMe();
  const [displayName, setDisplayName] = useState(me.display_name);
  const [theme, setTheme] = useState<Theme>(me.settings.theme);
  const [autoRun, setAutoRun] = useState(me.settings.auto_run);
  const [pageSize, setPageSize] = useState(String(me.settings.page_size));
  const [saved, setSaved] = useState(false);

  const dirty =
    displayName !== me.display_name ||
    theme !== me.settings.theme ||
    autoRun !== me.settings.auto_run ||
    pageSize !== String(me.settings.page_size);
  const errors = update.isError ? formErrors(update.error) : {};
  const pageSizeNumber = Number(pageSize);
  const pageSizeProblem =
    pageSize.trim() === "" || !Number.isInteger(pageSizeNumber) || pageSizeNumber < 1 || pageSizeNumber > PAGE_SIZE_MAX
      ? `A whole number from 1 to ${PAGE_SIZE_MAX}.`
      : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (pageSizeProblem) return;
    setSaved(false);
    update.mutate(
      { display_name: displayName.trim(), settings: { theme, auto_run: autoRun, page_size: pageSizeNumber } },
      {
        onSuccess: (next) => {
          setDisplayName(next.display_name);
          setSaved(true);
        },
      },
    );
  }

  const general = otherErrors(errors, FIELDS);
  return (
    <form className="settings-form" onSubmit={submit} noValidate aria-label="Profile and preferences">
      <div className="settings-identity">
        <div>
          <span className="muted small">Username</span>
          <div>{me.username}</div>
        </div>
        {me.email && (
          <div>
            <span className="muted small">Email</span>
            <div>{me.email}</div>
          </div>
        )}
      </div>
      <Field label="Display name" hint="Shown in the top bar instead of your username." errors={errors.display_name}>
        {(control) => (
          <input {...control} type="text" maxLength={150} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
        )}
      </Field>
      <Field label="Theme" errors={errors["settings.theme"]}>
        {(control) => (
          <select {...control} value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
            <option value="system">Same as the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        )}
      </Field>
      <div className="field field-check">
        <label>
          <input type="checkbox" checked={autoRun} onChange={(event) => setAutoRun(event.target.checked)} />
          Auto-run
        </label>
        <span className="field-hint">
          Each saved change of a workflow starts a run; unchanged nodes come back from the cache at once.
        </span>
        {errors["settings.auto_run"] && <span className="field-error">{errors["settings.auto_run"].join(" ")}</span>}
      </div>
      <Field
        label="Rows per page"
        hint={`In the lists of workflows, operations and runs (1 to ${PAGE_SIZE_MAX}).`}
        errors={pageSizeProblem && dirty ? [pageSizeProblem] : errors["settings.page_size"]}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            min={1}
            max={PAGE_SIZE_MAX}
            step={1}
            className="field-narrow"
            value={pageSize}
            onChange={(event) => setPageSize(event.target.value)}
          />
        )}
      </Field>
      <FormAlert messages={general} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!dirty || update.isPending || !!pageSizeProblem}>
          {update.isPending ? "Saving…" : "Save settings"}
        </button>
        {saved && !dirty && (
          <span className="form-done" role="status">
            Settings saved.
          </span>
        )}
      </div>
    </form>
  );
}
