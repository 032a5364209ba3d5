import { ErrorMessage } from './ErrorMessage';

interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  error?: unknown;
  onLoadMore(): void;
}

/** The next page of a cursor-paged list, on demand. */
export function LoadMore({ hasMore, loading, error, onLoadMore }: LoadMoreProps) {
  return (
    <div class="load-more">
      <ErrorMessage error={error} />
      {hasMore && (
        <button type="button" onClick={onLoadMore} disabled={loading} aria-busy={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
