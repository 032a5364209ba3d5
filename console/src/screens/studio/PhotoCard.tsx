import { ErrorMessage } from '../../components/ErrorMessage';
import { FileImage, sameOriginUrl } from '../../components/FileImage';
import { JobStatus } from '../../components/JobStatus';
import type { WatchedJob } from '../../components/poll-job';
import type { ComplianceOutcome } from './compliance';
import { slotTitle, type Marketplace } from './marketplaces';
import { SlotReportTable } from './SlotReportTable';

export type PhotoState = 'ready' | 'checking' | 'waiting' | 'fixing' | 'done' | 'failed';

/** A photo in the studio: as picked, then as the API judged (and fixed) it. */
export interface Photo {
  key: number;
  file: File;
  /** An object URL of the file, for its preview. */
  preview: string;
  state: PhotoState;
  /** The fix's job, when it outlasted the route's wait. */
  job?: WatchedJob;
  /** Rate limited: seconds until the check is sent again. */
  waitSeconds?: number;
  outcome?: ComplianceOutcome;
  /** The slots the outcome is for, the one fixed for first. */
  slots?: string[];
  error?: unknown;
}

const STATE_TEXT: Record<PhotoState, string> = {
  ready: 'Not checked yet',
  checking: 'Checking…',
  waiting: 'Waiting for the rate limit…',
  fixing: 'Fixing…',
  done: 'Checked',
  failed: 'Failed',
};

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1000)).toLocaleString()} kB`;

interface PhotoCardProps {
  photo: Photo;
  marketplaces: Marketplace[];
  onRemove?(): void;
}

/** The original beside the fixed photo, then each slot's report rule by rule. */
export function PhotoCard({ photo, marketplaces, onRemove }: PhotoCardProps) {
  const { file, outcome } = photo;
  const headingId = `photo-${photo.key}`;
  const fixedFor = photo.slots?.[0] ? slotTitle(marketplaces, photo.slots[0]) : '';
  return (
    <article class="photo-card" aria-labelledby={headingId}>
      <div class="photo-head">
        <h2 id={headingId}>{file.name}</h2>
        <span class={`photo-state photo-state-${photo.state}`}>
          {photo.state === 'waiting' && photo.waitSeconds ? `Rate limited: sending again in ${photo.waitSeconds} s` : STATE_TEXT[photo.state]}
        </span>
        {onRemove && (
          <button type="button" class="link-button" onClick={onRemove} aria-label={`Remove ${file.name}`}>Remove</button>
        )}
      </div>
      {photo.state === 'fixing' && photo.job && <JobStatus job={photo.job} label={`Fixing ${file.name}`} />}
      {photo.state === 'failed' && <ErrorMessage error={photo.error} />}
      <div class="compare">
        <figure>
          <img src={photo.preview} alt={`${file.name} as picked`} />
          <figcaption>Original · {kilobytes(file.size)}</figcaption>
        </figure>
        {outcome?.fixed && (
          <figure>
            <a href={sameOriginUrl(outcome.fixed.url)} target="_blank" rel="noreferrer">
              <FileImage url={outcome.fixed.url} alt={`${file.name} fixed for ${fixedFor}`} />
            </a>
            <figcaption>
              Fixed for {fixedFor} · {outcome.fixed.width} × {outcome.fixed.height} {outcome.fixed.format}, {kilobytes(outcome.fixed.bytes)}
            </figcaption>
          </figure>
        )}
      </div>
      {outcome?.reports.map((report) => (
        <SlotReportTable
          key={report.slot}
          title={slotTitle(marketplaces, report.slot)}
          report={report}
          fixed={outcome.fixed?.compliance.find((r) => r.slot === report.slot)}
        />
      ))}
    </article>
  );
}
