import { useQueryClient } from '@tanstack/preact-query';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useOrganization } from '../../layout/current-organization';
import { cancelJob, jobsQueryKey, type Job } from './jobs';

/** Asks, then cancels: a queued job ends at once, a running one stops within seconds; its credits come back. */
export function CancelJobDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const cancel = async () => {
    await cancelJob(job.id);
    await queryClient.invalidateQueries({ queryKey: jobsQueryKey(org.id) });
  };
  return (
    <ConfirmDialog title="Cancel job" onConfirm={cancel} onClose={onClose}>
      <p>
        Cancel the {job.type} job <code>{job.id}</code>? {job.type === 'batch' ? 'Its children still queued or running stop; those completed stay paid.' : 'Its work stops and its credits are released.'}
      </p>
    </ConfirmDialog>
  );
}
