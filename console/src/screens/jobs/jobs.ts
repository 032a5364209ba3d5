import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** An image output (with `format`) or, for videos.generate, a video (with `mimeType`). */
export interface JobOutput {
  id: string;
  /** A signed link that needs no credentials, so it works in <img> and <video>. */
  url: string;
  width: number;
  height: number;
  bytes: number;
  format?: string;
  mimeType?: string;
  durationSeconds?: number;
  source?: 'generated' | 'library';
  test?: boolean;
}

export interface JobError {
  code: string;
  message: string;
}

/** One try of one routing target. */
export interface JobStep {
  provider: string;
  model: string;
  keySource: 'platform' | 'byok';
  attempt: number;
  status: 'succeeded' | 'failed' | 'skipped';
  error: JobError | null;
  requestId: string | null;
  latencyMs: number;
  providerCost: { amount: number; currency: string } | null;
  credits: number;
  createdAt: string;
}

/** GET /api/v1/jobs/:jobId, and the items of GET /api/v1/jobs. */
export interface Job {
  id: string;
  type: string;
  status: JobStatus;
  outputs: JobOutput[];
  report?: Record<string, unknown>;
  cost: number;
  steps?: JobStep[];
  error: JobError | null;
  metadata: Record<string, string> | null;
  cancelRequested?: boolean;
  endUserId: string | null;
  sku: string | null;
  test?: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  parentId?: string;
  progress?: { done: number; total: number | null };
  children?: { id: string; status: JobStatus }[];
  summary?: { completed: number; failed: number; canceled: number };
}

export const JOBS_PATH = '/api/v1/jobs';
export const jobPath = (jobId: string) => `${JOBS_PATH}/${encodeURIComponent(jobId)}`;
/** The list's and every job's keys start with this: invalidating it refreshes both. */
export const jobsQueryKey = (orgId: string) => ['jobs', orgId];

/** Queued or processing: it may still change, so screens poll it. */
export const isRunning = (job: Pick<Job, 'status'>) => job.status === 'queued' || job.status === 'processing';

/** May be cancelled: still running, and no cancel asked yet. */
export const isCancellable = (job: Job) => isRunning(job) && !job.cancelRequested;

/** How often a running job is read again. */
export const POLL_MS = 1500;

/** One job, read again every POLL_MS until it ends. */
export function useJob(orgId: string, jobId: string) {
  return useQuery({
    queryKey: [...jobsQueryKey(orgId), 'job', jobId],
    queryFn: ({ signal }) => api<Job>(jobPath(jobId), { signal }),
    refetchInterval: (query) => (query.state.data && isRunning(query.state.data) ? POLL_MS : false),
  });
}

export async function cancelJob(jobId: string): Promise<Job> {
  return api<Job>(`${jobPath(jobId)}/cancel`, { method: 'POST' });
}
