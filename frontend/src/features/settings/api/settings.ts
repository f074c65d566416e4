import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { meQueryKey } from "@/features/auth/api/me";
import { api, segment } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import type { Me } from "@/lib/api/types";

type Schemas = components["schemas"];

export type MeUpdate = Schemas["PatchedMeUpdate"];
export type PasswordChange = Schemas["PasswordChange"];
export type User = Schemas["User"];
export type UserCreate = Schemas["UserCreate"];
export type UserUpdate = Schemas["PatchedUserUpdate"];
export type UserPage = Schemas["PaginatedUserList"];
export type Policy = Schemas["PoliciesEnum"];
export type Theme = Schemas["ThemeEnum"];

/** Every IAM policy, in the order the settings show them, with words for people. */
export const POLICIES: readonly { value: Policy; label: string }[] = [
  { value: "CAN_VIEW_OPERATIONS", label: "View operations" },
  { value: "CAN_VIEW_OTHERS_OPERATIONS", label: "View others' operations" },
  { value: "CAN_CREATE_OPERATIONS", label: "Create operations" },
  { value: "CAN_VIEW_WORKFLOWS", label: "View workflows" },
  { value: "CAN_VIEW_OTHERS_WORKFLOWS", label: "View others' workflows" },
  { value: "CAN_CREATE_WORKFLOWS", label: "Create workflows" },
  { value: "CAN_MODIFY_OTHERS_WORKFLOWS", label: "Modify others' workflows" },
  { value: "CAN_RUN_WORKFLOWS", label: "Run workflows" },
  { value: "IS_ADMIN", label: "Administrator (every policy, user management)" },
];

/** What the server gives a new user unless told otherwise: everything but administration. */
export const DEFAULT_POLICIES: readonly Policy[] = POLICIES.map((policy) => policy.value).filter((value) => value !== "IS_ADMIN");

/** Change the signed-in user's display name or settings; the app's idea of "me" follows. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: MeUpdate) => api.patch<Me>("/users/me/", changes),
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body: PasswordChange) => api.post<void>("/users/me/password/", body) });
}

export interface UserListParams {
  search?: string;
  offset?: number;
  limit?: number;
}

export const userKeys = {
  lists: ["users", "list"] as const,
  list: (params: UserListParams) => ["users", "list", params] as const,
};

/** Every user (administrators only). */
export function useUsers(params: UserListParams, enabled: boolean) {
  return useQuery({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) => api.get<UserPage>("/users/", { query: { ...params }, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, changes }: { username: string; changes: UserUpdate }) =>
      api.patch<User>(`/users/${segment(username)}/`, changes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.lists }),
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => api.post<User>("/users/", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.lists }),
  });
}
