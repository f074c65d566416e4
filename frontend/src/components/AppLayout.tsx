import { useEffect } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";

import { useMe } from "@/features/auth/api/me";
import { useLogout } from "@/features/auth/api/session";

import "./theme.css";

const SECTIONS = [
  { to: "/workflows", label: "Workflows" },
  { to: "/operations", label: "Operations" },
  { to: "/runs", label: "Runs" },
  { to: "/workers", label: "Workers" },
];

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** Applies the user's theme to the page: "light", "dark", or "system" (following the system's choice, live). */
function useTheme(theme: string | undefined) {
  useEffect(() => {
    const root = document.documentElement;
    const media = typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
    const apply = () => {
      const dark = theme === "dark" || (theme === "system" && !!media?.matches);
      root.dataset.theme = dark ? "dark" : "light";
    };
    apply();
    if (theme !== "system" || !media) return;
    media.addEventListener("change", apply);
    return () => media.removeEventListener("change", apply);
  }, [theme]);
}

export function AppLayout() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const user = me.data;
  useTheme(user?.settings.theme);

  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/workflows" className="brand">
          PLynx
        </NavLink>
        <nav aria-label="Sections">
          {SECTIONS.map((section) => (
            <NavLink key={section.to} to={section.to}>
              {section.label}
            </NavLink>
          ))}
        </nav>
        {user && (
          <div className="user">
            <NavLink to="/settings" className="user-name" title={`Settings of ${user.username}`}>
              {user.display_name || user.username}
            </NavLink>
            <button
              type="button"
              className="link"
              onClick={() => logout.mutate(undefined, { onSuccess: () => navigate("/login") })}
            >
              Log out
            </button>
          </div>
        )}
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
