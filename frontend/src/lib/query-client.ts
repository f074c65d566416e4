import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "./api/client";

/** Retrying a refusal (4xx) cannot succeed; a server or network failure may, once or twice. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Lists are shared by several people: refetch when the tab comes back, not on every render.
        staleTime: 10_000,
        retry: shouldRetry,
      },
      mutations: { retry: false },
    },
  });
}
