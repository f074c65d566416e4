/** What the server shows of a stored resource: a size-bounded preview, a thumbnail, the download. */
import { thumbnailUrl, useResourcePreview as useSharedPreview, type ResourcePreview } from "@/features/editor/api/resources";
import { apiUrl, segment } from "@/lib/api/client";

export { thumbnailUrl, type ResourcePreview };

/** The resource's bytes, served as an attachment. */
export function downloadUrl(resourceId: string): string {
  return apiUrl(`/resources/${segment(resourceId)}/download/`);
}

/**
 * A resource's preview (read once: a resource never changes). The canvas's thumbnails read the
 * same query, so a node's output is fetched once for both.
 */
export function useResourcePreview(resourceId: string | null) {
  return useSharedPreview(resourceId ?? "", resourceId !== null && resourceId !== "");
}
