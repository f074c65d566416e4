import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { useMe } from "@/features/auth/api/me";

import { PasswordForm } from "../components/PasswordForm";
import { ProfileForm } from "../components/ProfileForm";
import { UsersAdmin } from "../components/UsersAdmin";

import "../settings.css";

/** The signed-in user's settings: profile, preferences and password; the users, for administrators. */
export function SettingsPage() {
  const me = useMe();

  if (me.isPending) return <Loading label="Loading your settings" />;
  if (me.isError || !me.data) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  const user = me.data;

  return (
    <div className="page settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <section className="settings-section" aria-labelledby="settings-profile">
        <div className="settings-intro">
          <h2 id="settings-profile">Profile and preferences</h2>
          <p className="muted small">How you appear to others, and how the app behaves for you.</p>
        </div>
        <ProfileForm key={user.id} me={user} />
      </section>
      <section className="settings-section" aria-labelledby="settings-password">
        <div className="settings-intro">
          <h2 id="settings-password">Password</h2>
          <p className="muted small">You stay logged in here after changing it; API tokens issued before stop working.</p>
        </div>
        <PasswordForm />
      </section>
      {user.is_admin && (
        <section className="settings-section settings-wide" aria-labelledby="settings-users">
          <div className="settings-intro">
            <h2 id="settings-users">Users</h2>
            <p className="muted small">
              What each user may do. Users are never deleted (they own workflows and runs): deactivate them instead.
            </p>
          </div>
          <UsersAdmin myUsername={user.username} />
        </section>
      )}
    </div>
  );
}
