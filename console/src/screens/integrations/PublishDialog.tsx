import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { JobStatus } from '../../components/JobStatus';
import type { WatchedJob } from '../../components/poll-job';
import { useOrganization } from '../../layout/current-organization';
import { SlotReportTable } from '../studio/SlotReportTable';
import { GalleryPicker } from './GalleryPicker';
import { activityQueryKey, productsQueryKey, PUBLISH_PATH, type Channel, type Connection, type Product, type PublishPlan } from './integrations-api';
import { jobError, useWatchedJob } from './use-watched-job';

const MODES = [
  { value: 'refuse', label: 'Refuse it: publish only an image that passes' },
  { value: 'fix', label: 'Fix it first (costs credits only when it needed fixing)' },
  { value: 'skip', label: 'Do not check it' },
] as const;

const OUTCOME_TEXT: Record<PublishPlan['compliance']['outcome'], string> = {
  publish: 'It would be published as it is.',
  refuse: 'It would be refused: it fails the rules.',
  fix: 'It would be fixed first, then published.',
};

/** What the publish job reported once it ended: the store's image, or why it failed. */
function PublishOutcome({ job }: { job: WatchedJob }) {
  const report = job.report as { status?: string; externalImageId?: string; fixedImageId?: string } | null | undefined;
  if (job.status === 'completed') {
    return (
      <p role="status" class="success">
        Published{report?.externalImageId && <> as the store’s image <code>{report.externalImageId}</code></>}
        {report?.fixedImageId && <> (the fixed image <code>{report.fixedImageId}</code>)</>}.
      </p>
    );
  }
  return job.error ? <ErrorMessage error={jobError(job.error)} /> : null;
}

/** Publishes a gallery image to one synced product, in a slot, after an optional dry run; follows the job until it ends. */
export function PublishDialog({ connection, channel, product, onClose }: { connection: Connection; channel: Channel; product: Product; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const slotId = useId();
  const modeId = useId();
  const [imageId, setImageId] = useState<string | null>(null);
  const [slot, setSlot] = useState(channel.imageSlots[0]?.id ?? 'main');
  const [mode, setMode] = useState<(typeof MODES)[number]['value']>('refuse');
  const [alt, setAlt] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const body = (dryRun: boolean) => ({ connectionId: connection.id, productId: product.id, imageId, slot, compliance: mode, ...(alt ? { alt } : {}), ...(dryRun ? { dryRun } : {}) });
  const check = useMutation({ mutationFn: () => api<PublishPlan>(PUBLISH_PATH, { method: 'POST', body: body(true) }) });
  const publish = useMutation({
    mutationFn: () => api<{ id: string }>(PUBLISH_PATH, { method: 'POST', body: body(false) }),
    onSuccess: async (job) => {
      setJobId(job.id);
      await queryClient.invalidateQueries({ queryKey: activityQueryKey(org.id) });
    },
  });
  const job = useWatchedJob(jobId, () => {
    void queryClient.invalidateQueries({ queryKey: activityQueryKey(org.id) });
    void queryClient.invalidateQueries({ queryKey: productsQueryKey(org.id, connection.id) });
  });
  const submit = (e: Event) => {
    e.preventDefault();
    check.reset();
    publish.mutate();
  };
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    check.reset();
  };

  if (jobId) {
    return (
      <Dialog title="Publish image" onClose={onClose}>
        <p>
          Publishing to <strong>{product.title}</strong> at {connection.name}.
        </p>
        {job.data ? <JobStatus job={job.data} label="Publish progress" /> : <p class="loading">Queued…</p>}
        {job.data && <PublishOutcome job={job.data} />}
        <ErrorMessage error={job.error} />
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Close</button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Publish image" onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          To <strong>{product.title}</strong> at {connection.name}
          {connection.rulePack ? <>, checked against the {connection.rulePack} rules</> : <>, which checks no rules</>}.
        </p>
        {org.can('images:read') ? <GalleryPicker selected={imageId} onSelect={changed(setImageId)} /> : <p class="warning">Picking an image needs the images:read scope.</p>}
        <div class="field">
          <label for={slotId}>Slot</label>
          <select id={slotId} value={slot} onChange={(e) => changed(setSlot)(e.currentTarget.value)}>
            {channel.imageSlots.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={modeId}>If the image fails the rules</label>
          <select id={modeId} value={mode} onChange={(e) => changed(setMode)(e.currentTarget.value as typeof mode)}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>{m.label}</option>
            ))}
          </select>
        </div>
        <Field label="Alt text" name="alt" maxLength={500} value={alt} onValue={setAlt} error={publish.error ?? check.error} />
        {check.data && (
          <div class="dry-run" role="status">
            <p>
              <strong>Dry run:</strong> {OUTCOME_TEXT[check.data.compliance.outcome]} ({check.data.width}×{check.data.height} {check.data.format})
            </p>
            {check.data.compliance.report && <SlotReportTable title={`${product.title} at ${connection.name}`} report={check.data.compliance.report} />}
          </div>
        )}
        <ErrorMessage error={check.error ?? publish.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={!imageId || publish.isPending} aria-busy={publish.isPending}>Publish</button>
          <button type="button" disabled={!imageId || check.isPending} aria-busy={check.isPending} onClick={() => check.mutate()}>Dry run</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
