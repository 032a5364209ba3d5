import { isRunning, type Job } from './jobs';

/** The job's status, and that a cancel is on its way. */
export function JobStatusLabel({ job }: { job: Job }) {
  return (
    <span class={`jobs-state jobs-state-${job.status}`}>
      {job.status}
      {job.cancelRequested && <span class="jobs-state-note"> (cancelling)</span>}
    </span>
  );
}

/**
 * How far a batch or a long job (a sync) has got: a bar and "done of total". A running job that
 * reports no progress gets a bar that only says it runs; an ended one, a dash.
 */
export function JobProgress({ job }: { job: Job }) {
  const progress = job.progress;
  if (!progress) return isRunning(job) ? <progress class="job-progress-bar" aria-label={`Job ${job.id} is ${job.status}`} /> : <>—</>;
  const total = progress.total ?? undefined;
  return (
    <span class="job-progress">
      <progress class="job-progress-bar" value={progress.done} max={total} aria-label={`Progress of job ${job.id}`} />
      <span>{total === undefined ? `${progress.done} so far` : `${progress.done} of ${total}`}</span>
    </span>
  );
}
