import { useEffect, useId, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { enumOf, useOpenApi } from '../../api/openapi';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { CancelJobDialog } from './CancelJobDialog';
import { JobProgress, JobStatusLabel } from './JobStatusLabel';
import { isCancellable, isRunning, JOB_STATUSES, JOBS_PATH, jobsQueryKey, type Job } from './jobs';
import './jobs.css';

/**
 * How often the list is read again while a job in it runs: every loaded page is read each time,
 * and reads count against the plan's per-minute budget (300 on the free plan).
 */
const LIST_POLL_MS = 5000;

/** The organisation's jobs, newest first, filtered by status and type; running ones are read again until they end. */
export function Jobs() {
  const org = useOrganization();
  const openapi = useOpenApi();
  const statusId = useId();
  const typeId = useId();
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [cancelling, setCancelling] = useState<Job | null>(null);
  const jobs = usePagedList<Job>(jobsQueryKey(org.id), JOBS_PATH, { status, type });
  const canCancel = org.can('jobs:cancel');
  // The job types this server runs (its plugins register them), as its OpenAPI document lists them.
  const types = openapi.data ? enumOf(openapi.data, 'JobDto', 'type') : [];

  const running = jobs.items.some(isRunning);
  const { refetch } = jobs;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetch(), LIST_POLL_MS);
    return () => clearInterval(timer);
  }, [running, refetch]);

  return (
    <>
      <h1>Jobs</h1>
      <p class="lead">Every piece of work {org.name} asked for: generations, edits, studio operations, syncs and publishing, newest first.</p>
      <div class="jobs-filters">
        <div class="field">
          <label for={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any status</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={typeId}>Type</label>
          <select id={typeId} value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">Any type</option>
            {types.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </div>
      </div>
      {jobs.isPending ? (
        <p class="loading">Loading jobs…</p>
      ) : jobs.isError && !jobs.data ? (
        <ErrorMessage error={jobs.error} />
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Jobs table">
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                <th scope="col" class="jobs-number">Cost</th>
                {canCancel && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {jobs.items.length === 0 && (
                <tr>
                  <td colSpan={canCancel ? 7 : 6} class="empty">{status || type ? 'No jobs match these filters.' : 'No jobs yet.'}</td>
                </tr>
              )}
              {jobs.items.map((job) => (
                <tr key={job.id}>
                  <td>
                    <Link href={`/jobs/${encodeURIComponent(job.id)}`}><code class="jobs-id">{job.id}</code></Link>
                    {job.test && <span class="tag">test</span>}
                  </td>
                  <td>{job.type}</td>
                  <td><JobStatusLabel job={job} /></td>
                  <td><JobProgress job={job} /></td>
                  <td class="jobs-nowrap">{formatDate(job.createdAt)}</td>
                  <td class="jobs-number">{job.cost.toLocaleString()}</td>
                  {canCancel && (
                    <td class="row-actions">
                      {isCancellable(job) ? (
                        <button type="button" class="danger" aria-label={`Cancel job ${job.id}`} onClick={() => setCancelling(job)}>Cancel</button>
                      ) : (
                        '—'
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={jobs.hasMore} loading={jobs.isFetchingNextPage} error={jobs.data ? jobs.error : null} onLoadMore={jobs.loadMore} />
      {openapi.error && <ErrorMessage error={openapi.error} />}
      {cancelling && <CancelJobDialog job={cancelling} onClose={() => setCancelling(null)} />}
    </>
  );
}
