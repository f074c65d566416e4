import { Link, Navigate, type RouteObject } from "react-router-dom";

import { AppLayout } from "@/components/AppLayout";
import { Loading } from "@/components/Loading";
import { RequireAuth } from "@/features/auth/components/RequireAuth";
import { LoginPage } from "@/features/auth/routes/LoginPage";
import { OperationsPage } from "@/features/operations/routes/OperationsPage";
import { RunsPage } from "@/features/runs/routes/RunsPage";
import { SettingsPage } from "@/features/settings/routes/SettingsPage";
import { WorkersPage } from "@/features/workers/routes/WorkersPage";
import { WorkflowsPage } from "@/features/workflows/routes/WorkflowsPage";

function NotFoundPage() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/workflows">Go to the workflows</Link>
      </p>
    </section>
  );
}

/** The app's pages. The server answers index.html for each of these paths (plynx_site/frontend.py). */
export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/workflows" replace /> },
      { path: "workflows", element: <WorkflowsPage /> },
      // The canvas (React Flow) and the code editor (CodeMirror) load with the first page that
      // needs them, not with the lists.
      {
        path: "workflows/:workflowId",
        hydrateFallbackElement: <Loading label="Loading the workflow" />,
        lazy: () => import("@/features/editor/routes/EditorPage").then((module) => ({ Component: module.EditorPage })),
      },
      { path: "operations", element: <OperationsPage /> },
      {
        path: "operations/:operationId",
        hydrateFallbackElement: <Loading label="Loading the operation" />,
        lazy: () =>
          import("@/features/operations/routes/OperationPage").then((module) => ({ Component: module.OperationPage })),
      },
      { path: "runs", element: <RunsPage /> },
      {
        path: "runs/:runId",
        hydrateFallbackElement: <Loading label="Loading the run" />,
        lazy: () => import("@/features/runs/routes/RunPage").then((module) => ({ Component: module.RunPage })),
      },
      { path: "workers", element: <WorkersPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
