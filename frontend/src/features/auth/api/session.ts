import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api/client";
import type { Me, SessionLogin } from "@/lib/api/types";

import { meQueryKey } from "./me";

/**
 * Log in with the server's session: an HttpOnly cookie the app never reads, so no script (and
 * no other origin) can take the user's credentials. The GET first sets the CSRF cookie the POST
 * must echo; the server rotates it at log-in.
 */
export async function login(credentials: SessionLogin): Promise<Me> {
  await api.get("/auth/session/login/");
  return api.post<Me>("/auth/session/login/", credentials);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (me) => {
      // Whatever another user had loaded must not show through.
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>("/auth/session/logout/"),
    onSuccess: async () => {
      queryClient.clear();
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
