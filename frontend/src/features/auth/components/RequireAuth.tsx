import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { useMe } from "../api/me";

/**
 * Pages for signed-in users. In single-user mode the server answers `me` without credentials,
 * so the app opens at once; in multi-user mode without a session it goes to the log-in page.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Connecting to PLynx" />;
  if (me.isError) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  if (me.data === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
