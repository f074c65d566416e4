import { useQuery } from "@tanstack/react-query";

import { api, apiUrl, segment } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type ResourcePreview = components["schemas"]["ResourcePreview"];

/** Where the PNG thumbnail of an image resource is served. */
export function thumbnailUrl(resourceId: string): string {
  return apiUrl(`/resources/${segment(resourceId)}/thumbnail/`);
}

/** A resource's bounded preview; resources never change, so it is fetched once. */
export function useResourcePreview(resourceId: string, enabled = true) {
  return useQuery({
    queryKey: ["resources", "preview", resourceId],
    queryFn: ({ signal }) => api.get<ResourcePreview>(`/resources/${segment(resourceId)}/preview/`, { signal }),
    enabled,
    staleTime: Infinity,
  });
}
