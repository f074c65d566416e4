import { useMe } from "@/features/auth/api/me";
import { PAGE_SIZE, useListParams } from "@/lib/use-list-params";

/** A list's search, filters, sort and page (from the address), with the user's rows-per-page setting. */
export function useListState(defaultOrdering: string) {
  const pageSize = useMe().data?.settings.page_size ?? PAGE_SIZE;
  return useListParams({ defaultOrdering, pageSize });
}
