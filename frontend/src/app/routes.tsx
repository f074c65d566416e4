import { Link, Navigate, type RouteObject } from "react-router-dom";

import { AppLayout } from "@/components/AppLayout";
import { Loading } from "@/components/Loading";
import { RequireAuth } from "@/features/auth/components/RequireAuth";
import { LoginPage } from "@/features/auth/routes/LoginPage";
import { OperationsPage } from "@/features/operations/routes/OperationsPage";
import { RunsPage } from "@/features/runs/routes/RunsPage";
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
      {
        path: "workflows/:workflowId",
        // The canvas (React Flow) loads with the first workflow opened, not with the lists.
        hydrateFallbackElement: <Loading label="Loading the workflow" />,
        lazy: () => import("@/features/workflows/routes/WorkflowPage").then((module) => ({ Component: module.WorkflowPage })),
      },
      { path: "operations", element: <OperationsPage /> },
      { path: "runs", element: <RunsPage /> },
      { path: "workers", element: <WorkersPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
