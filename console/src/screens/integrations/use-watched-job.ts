import { useQuery } from '@tanstack/preact-query';
import { useEffect } from 'preact/hooks';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { jobEnded, type WatchedJob } from '../../components/poll-job';
import { useOrganization } from '../../layout/current-organization';

const POLL_MS = 1000;

/**
 * A job this screen started (a sync, a publish), read every second until it ends; `onEnded` runs
 * once when it does, to refresh what the job changed. No job id: nothing is read.
 */
export function useWatchedJob(jobId: string | null, onEnded: (job: WatchedJob) => void) {
  const org = useOrganization();
  const job = useQuery({
    queryKey: ['watched-job', org.id, jobId],
    queryFn: ({ signal }) => api<WatchedJob>(`/api/v1/jobs/${encodeURIComponent(jobId!)}`, { signal }),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && jobEnded(query.state.data) ? false : POLL_MS),
    staleTime: 0,
  });
  const ended = job.data && jobEnded(job.data) ? job.data : null;
  // Once per job: the effect runs again only for another job's end.
  useEffect(() => {
    if (ended) onEnded(ended);
  }, [ended?.id]);
  return job;
}

/** A failed job's error, shown as the API's errors are (message and code). */
export const jobError = (error: { code: string; message: string }) => new ApiError(0, error.code, error.message);
