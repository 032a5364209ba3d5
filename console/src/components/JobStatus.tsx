import { jobEnded, progressText, type WatchedJob } from './poll-job';
import './job-status.css';

/** A job being watched: its status and, while it runs, a progress bar (indeterminate when it tells none). */
export function JobStatus({ job, label = 'Job progress' }: { job: WatchedJob; label?: string }) {
  const progress = progressText(job);
  const total = job.progress?.total;
  return (
    <div class="job-status">
      <p>
        Job <code>{job.id}</code>: <span class={`status status-${job.status}`}>{job.status}</span>
        {progress && <> ({progress})</>}
      </p>
      {!jobEnded(job) && (total ? <progress aria-label={label} value={job.progress!.done} max={total} /> : <progress aria-label={label} />)}
    </div>
  );
}
