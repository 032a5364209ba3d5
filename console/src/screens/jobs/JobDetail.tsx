import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { Link, type RouteComponentProps } from 'wouter-preact';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { CancelJobDialog } from './CancelJobDialog';
import { JobOutputs } from './JobOutputs';
import { JobProgress, JobStatusLabel } from './JobStatusLabel';
import { JobSteps } from './JobSteps';
import { isCancellable, isRunning, useJob, type Job } from './jobs';
import './jobs.css';

/** One job at /jobs/:jobId: its facts, error, outputs, batch children and provider steps, read again until it ends. */
export function JobDetail({ params }: RouteComponentProps) {
  const org = useOrganization();
  const jobId = decodeURIComponent(params.jobId ?? '');
  const job = useJob(org.id, jobId);
  const [cancelling, setCancelling] = useState(false);
  const data = job.data;

  return (
    <>
      <p class="job-back"><Link href="/jobs">All jobs</Link></p>
      <div class="page-head">
        <h1 class="job-title">Job <code>{jobId}</code></h1>
        {data && org.can('jobs:cancel') && isCancellable(data) && (
          <button type="button" class="danger" onClick={() => setCancelling(true)}>Cancel</button>
        )}
      </div>
      {job.isPending ? (
        <p class="loading">Loading the job…</p>
      ) : !data ? (
        <ErrorMessage error={job.error} />
      ) : (
        <>
          {/* A failed poll: the last answer stays on screen, with why it is not fresher. */}
          <ErrorMessage error={job.error} />
          <JobFacts job={data} />
          {data.error && (
            <section class="section" aria-labelledby="job-error-title">
              <h2 id="job-error-title">Error</h2>
              <p class="error">{data.error.message} <code>{data.error.code}</code></p>
            </section>
          )}
          {data.outputs.length > 0 && (
            <section class="section" aria-labelledby="job-outputs-title">
              <h2 id="job-outputs-title">Outputs</h2>
              <JobOutputs outputs={data.outputs} />
            </section>
          )}
          {data.children && <JobChildren job={data} />}
          {data.steps && data.steps.length > 0 && (
            <section class="section" aria-labelledby="job-steps-title">
              <h2 id="job-steps-title">Steps</h2>
              <JobSteps steps={data.steps} />
            </section>
          )}
          {data.report && (
            <details class="section job-report">
              <summary>Report</summary>
              <pre>{JSON.stringify(data.report, null, 2)}</pre>
            </details>
          )}
        </>
      )}
      {cancelling && data && <CancelJobDialog job={data} onClose={() => setCancelling(false)} />}
    </>
  );
}

function JobFacts({ job }: { job: Job }) {
  return (
    <>
      {isRunning(job) && <p class="hint" role="status">This job is {job.status}: the page follows it until it ends.</p>}
      <dl class="job-facts">
        <dt>Status</dt>
        <dd><JobStatusLabel job={job} /></dd>
        <dt>Type</dt>
        <dd>{job.type}{job.test && <span class="tag">test</span>}</dd>
        <dt>Progress</dt>
        <dd><JobProgress job={job} /></dd>
        <dt>Cost</dt>
        <dd>{job.cost.toLocaleString()} {job.cost === 1 ? 'credit' : 'credits'}</dd>
        <dt>Created</dt>
        <dd>{formatDate(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatDate(job.startedAt, 'Not yet')}</dd>
        <dt>Finished</dt>
        <dd>{formatDate(job.finishedAt, 'Not yet')}</dd>
        {job.parentId && (
          <>
            <dt>Batch</dt>
            <dd><Link href={`/jobs/${encodeURIComponent(job.parentId)}`}><code>{job.parentId}</code></Link></dd>
          </>
        )}
        {job.endUserId && (
          <>
            <dt>End user</dt>
            <dd><code>{job.endUserId}</code></dd>
          </>
        )}
        {job.sku && (
          <>
            <dt>SKU</dt>
            <dd><code>{job.sku}</code></dd>
          </>
        )}
        {job.metadata &&
          Object.entries(job.metadata).map(([key, value]) => (
            <Fragment key={key}>
              <dt>Metadata: {key}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
      </dl>
    </>
  );
}

/** A batch's children, in the order of its items, each linking to its own page. */
function JobChildren({ job }: { job: Job }) {
  return (
    <section class="section" aria-labelledby="job-children-title">
      <h2 id="job-children-title">Items</h2>
      {job.summary && (
        <p>
          {job.summary.completed} completed, {job.summary.failed} failed, {job.summary.canceled} canceled.
        </p>
      )}
      <ol class="job-children">
        {job.children!.map((child) => (
          <li key={child.id}>
            <Link href={`/jobs/${encodeURIComponent(child.id)}`}><code>{child.id}</code></Link> <span class={`jobs-state jobs-state-${child.status}`}>{child.status}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
