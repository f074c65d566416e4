import { useState, type FormEvent } from "react";

import { Field, FormAlert, formErrors, otherErrors } from "@/components/Field";

import { useChangePassword } from "../api/settings";

const FIELDS = ["old_password", "new_password"] as const;

/** Change the signed-in user's password: the current one, the new one twice. */
export function PasswordForm() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);

  const errors = change.isError ? formErrors(change.error) : {};
  const general = otherErrors(errors, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    if (next !== confirmation) {
      setMismatch(true);
      change.reset();
      return;
    }
    setMismatch(false);
    change.mutate(
      { old_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
          setConfirmation("");
          setDone(true);
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate aria-label="Password">
      <Field label="Current password" errors={errors.old_password}>
        {(control) => (
          <input {...control} type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} />
        )}
      </Field>
      <Field label="New password" errors={errors.new_password}>
        {(control) => (
          <input {...control} type="password" autoComplete="new-password" value={next} onChange={(event) => setNext(event.target.value)} />
        )}
      </Field>
      <Field label="Confirm new password" errors={mismatch ? ["The two new passwords differ."] : undefined}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onChange={(event) => setConfirmation(event.target.value)}
          />
        )}
      </Field>
      <FormAlert messages={general} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={change.isPending || !next}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
        {done && (
          <span className="form-done" role="status">
            Password changed.
          </span>
        )}
      </div>
    </form>
  );
}
