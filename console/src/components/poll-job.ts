/** GET /api/v1/jobs/:id, the parts a screen watching a job reads. */
export interface WatchedJob {
  id: string;
  type: string;
  status: 'queued' | 'processing' | 'completed' | 'failed' | 'canceled';
  progress?: { done: number; total: number | null };
  outputs: { id: string; url: string; width?: number; height?: number; format?: string; bytes?: number }[];
  report?: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  [field: string]: unknown;
}

const ENDED = new Set(['completed', 'failed', 'canceled']);
const POLL_MS = 1000;

export const jobEnded = (job: WatchedJob) => ENDED.has(job.status);

/**
 * Reads a job again every second until it ends, telling `onUpdate` each time, and resolves to the
 * ended job. `readJob` reads it with the caller's credentials (the session, or a pasted key);
 * aborting `signal` stops the polling with an AbortError.
 */
export async function pollJob(readJob: (signal: AbortSignal) => Promise<WatchedJob>, onUpdate: (job: WatchedJob) => void, signal: AbortSignal): Promise<WatchedJob> {
  for (;;) {
    const job = await readJob(signal);
    onUpdate(job);
    if (jobEnded(job)) return job;
    await delay(POLL_MS, signal);
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** "3 of 10", or nothing when the job tells no progress. */
export function progressText(job: WatchedJob): string | null {
  if (!job.progress) return null;
  return job.progress.total === null ? `${job.progress.done} done` : `${job.progress.done} of ${job.progress.total}`;
}
