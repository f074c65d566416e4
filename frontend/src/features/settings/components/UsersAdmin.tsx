import { Fragment, useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field, FormAlert, formErrors, otherErrors } from "@/components/Field";
import { Loading } from "@/components/Loading";
import { Pagination } from "@/components/Pagination";
import { SearchBox } from "@/components/SearchBox";
import { formatDateTime } from "@/lib/format";

import { DEFAULT_POLICIES, POLICIES, useCreateUser, useUpdateUser, useUsers, type Policy, type User } from "../api/settings";
import { PolicyCheckboxes } from "./PolicyCheckboxes";

// The users table shares the lists' look (row actions, titles).
import "@/components/list/list.css";

const USERS_PAGE_SIZE = 25;

function policyLabel(policy: Policy): string {
  return POLICIES.find((item) => item.value === policy)?.label.replace(/ \(.*\)$/, "") ?? policy;
}

/** Administrators: every user with their policies, editable, and new users. */
export function UsersAdmin({ myUsername }: { myUsername: string }) {
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const users = useUsers({ search: search || undefined, offset, limit: USERS_PAGE_SIZE }, true);

  return (
    <div className="users-admin">
      <div className="users-toolbar">
        <SearchBox
          label="Search users"
          placeholder="Username or display name…"
          value={search}
          onSearch={(value) => {
            setSearch(value);
            setOffset(0);
          }}
        />
        {!creating && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            New user
          </button>
        )}
      </div>
      {creating && (
        <CreateUserForm
          onDone={(user) => {
            setCreating(false);
            if (user) setNotice(`Created the user “${user.username}”.`);
          }}
        />
      )}
      {notice && (
        <p className="form-done" role="status">
          {notice}
        </p>
      )}
      {users.isPending ? (
        <Loading label="Loading users" />
      ) : users.isError ? (
        <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.results.length === 0 ? (
        <p className="empty">{search ? `No user matches “${search}”.` : "No users."}</p>
      ) : (
        <>
          <table className="list users-table" aria-busy={users.isFetching}>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Policies</th>
                <th scope="col">Last login</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.results.map((user) => (
                <Fragment key={user.username}>
                  <tr className={user.is_active ? undefined : "inactive"}>
                    <td>
                      <div className="list-title">
                        {user.username}
                        {user.username === myUsername && <span className="muted small"> (you)</span>}
                      </div>
                      <div className="muted small">{[user.display_name, user.email].filter(Boolean).join(" · ")}</div>
                      {!user.is_active && <span className="status status-canceled">inactive</span>}
                    </td>
                    <td className="small">
                      {user.is_admin ? (
                        <strong>Administrator</strong>
                      ) : user.policies.length === 0 ? (
                        <span className="muted">None</span>
                      ) : (
                        user.policies.map(policyLabel).join(", ")
                      )}
                    </td>
                    <td className="small">{formatDateTime(user.last_login)}</td>
                    <td className="list-actions">
                      <button
                        type="button"
                        className="row-action"
                        aria-expanded={editing === user.username}
                        aria-label={`Edit ${user.username}`}
                        onClick={() => {
                          setNotice(null);
                          setEditing(editing === user.username ? null : user.username);
                        }}
                      >
                        Edit
                      </button>
                    </td>
                  </tr>
                  {editing === user.username && (
                    <tr className="user-editor-row">
                      <td colSpan={4}>
                        <UserEditor
                          user={user}
                          isSelf={user.username === myUsername}
                          onDone={(saved) => {
                            setEditing(null);
                            if (saved) setNotice(`Saved the changes to “${user.username}”.`);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
          <Pagination count={users.data.count} offset={offset} limit={USERS_PAGE_SIZE} onChange={setOffset} />
        </>
      )}
    </div>
  );
}

const EDIT_FIELDS = ["display_name", "is_active", "policies"] as const;

function UserEditor({ user, isSelf, onDone }: { user: User; isSelf: boolean; onDone: (saved: boolean) => void }) {
  const update = useUpdateUser();
  const [displayName, setDisplayName] = useState(user.display_name);
  const [active, setActive] = useState(user.is_active);
  const [policies, setPolicies] = useState<Policy[]>([...user.policies]);
  const errors = update.isError ? formErrors(update.error) : {};
  const general = otherErrors(errors, EDIT_FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { username: user.username, changes: { display_name: displayName.trim(), is_active: active, policies } },
      { onSuccess: () => onDone(true) },
    );
  }

  return (
    <form className="user-editor" onSubmit={submit} noValidate aria-label={`Edit ${user.username}`}>
      <div className="user-editor-fields">
        <Field label="Display name" errors={errors.display_name}>
          {(control) => (
            <input {...control} type="text" maxLength={150} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
          )}
        </Field>
        <div className="field field-check">
          <label>
            <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
            Active
          </label>
          <span className="field-hint">
            {isSelf ? "You cannot deactivate yourself." : "An inactive user can neither log in nor use tokens."}
          </span>
          {errors.is_active && <span className="field-error">{errors.is_active.join(" ")}</span>}
        </div>
      </div>
      <PolicyCheckboxes legend={`Policies of ${user.username}`} value={policies} onChange={setPolicies} errors={errors.policies} />
      <FormAlert messages={general} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={() => onDone(false)} disabled={update.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const CREATE_FIELDS = ["username", "password", "email", "policies"] as const;

function CreateUserForm({ onDone }: { onDone: (user: User | null) => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const [policies, setPolicies] = useState<Policy[]>([...DEFAULT_POLICIES]);
  const errors = create.isError ? formErrors(create.error) : {};
  const general = otherErrors(errors, CREATE_FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ username: username.trim(), password, email: email.trim(), policies }, { onSuccess: (user) => onDone(user) });
  }

  return (
    <form className="user-editor user-create" onSubmit={submit} noValidate aria-label="New user">
      <h3>New user</h3>
      <div className="user-editor-fields">
        <Field label="Username" errors={errors.username}>
          {(control) => (
            <input {...control} type="text" autoComplete="off" maxLength={150} value={username} onChange={(event) => setUsername(event.target.value)} />
          )}
        </Field>
        <Field label="Password" errors={errors.password}>
          {(control) => (
            <input {...control} type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          )}
        </Field>
        <Field label="Email" errors={errors.email}>
          {(control) => (
            <input {...control} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />
          )}
        </Field>
      </div>
      <PolicyCheckboxes legend="Policies of the new user" value={policies} onChange={setPolicies} errors={errors.policies} />
      <FormAlert messages={general} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending || !username.trim()}>
          {create.isPending ? "Creating…" : "Create user"}
        </button>
        <button type="button" onClick={() => onDone(null)} disabled={create.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
