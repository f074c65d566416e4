/** What the server shows of a stored resource: a size-bounded preview, a thumbnail, the download. */
import { useQuery } from "@tanstack/react-query";

import { api, apiUrl, segment } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type ResourcePreview = components["schemas"]["ResourcePreview"];

export const previewKeys = {
  preview: (resourceId: string) => ["resources", "preview", resourceId] as const,
};

/** The resource's bytes, served as an attachment. */
export function downloadUrl(resourceId: string): string {
  return apiUrl(`/resources/${segment(resourceId)}/download/`);
}

/** A small PNG of an image resource. */
export function thumbnailUrl(resourceId: string): string {
  return apiUrl(`/resources/${segment(resourceId)}/thumbnail/`);
}

/** A resource's preview; its bytes never change (content-addressed), so it is read once. */
export function useResourcePreview(resourceId: string | null) {
  return useQuery({
    queryKey: previewKeys.preview(resourceId ?? ""),
    queryFn: ({ signal }) => api.get<ResourcePreview>(`/resources/${segment(resourceId ?? "")}/preview/`, { signal }),
    enabled: !!resourceId,
    staleTime: Infinity,
  });
}
