import { useInfiniteQuery } from '@tanstack/preact-query';
import { api, type Query } from './client';

/** A page of a list route: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A list the API pages with cursors, read a page at a time: `items` so far, `loadMore()` for the
 * next page while `hasMore`. Put the organisation (and any filter) in `key`.
 */
export function usePagedList<T>(key: unknown[], path: string, query: Query = {}) {
  const result = useInfiniteQuery({
    queryKey: [...key, query],
    queryFn: ({ pageParam, signal }) => api<Page<T>>(path, { query: { ...query, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return {
    ...result,
    items: result.data?.pages.flatMap((p) => p.data) ?? [],
    hasMore: result.hasNextPage,
    loadMore: () => result.fetchNextPage(),
  };
}
