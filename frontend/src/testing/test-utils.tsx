import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router-dom";

import { AppProvider } from "@/app/provider";
import { routes as appRoutes } from "@/app/routes";

/** A query client for one test: no retries, no caching between tests. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** Render the app (or `routes`) at `path`, with its providers, as a browser would show it. */
export function renderApp(path: string, options: { routes?: RouteObject[]; element?: ReactElement } = {}) {
  const routes = options.element ? [{ path: "*", element: options.element }] : (options.routes ?? appRoutes);
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = testQueryClient();
  const result = render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...result, router, queryClient };
}
