import { useQuery } from "@tanstack/react-query";

import { ApiError, api } from "@/lib/api/client";
import type { Me } from "@/lib/api/types";

export const meQueryKey = ["users", "me"] as const;

/** The signed-in user, or null when the server asks for credentials (multi-user mode, no session). */
export async function getMe(): Promise<Me | null> {
  try {
    return await api.get<Me>("/users/me/");
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: getMe, staleTime: 60_000 });
}

export type Policy = Me["policies"][number];

/** Whether `me` holds `policy`; an administrator holds every policy (as on the server). */
export function hasPolicy(me: Me | null | undefined, policy: Policy): boolean {
  return !!me && (me.is_admin || me.policies.includes("IS_ADMIN") || me.policies.includes(policy));
}
