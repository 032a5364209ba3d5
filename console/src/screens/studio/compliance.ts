import { api, apiFetch } from '../../api/client';
import { ApiError } from '../../api/errors';
import { delay, pollJob, type WatchedJob } from '../../components/poll-job';

/** One rule of a slot held against an image (POST /api/v1/compliance `reports[].rules[]`). */
export interface RuleResult {
  id: string;
  description: string;
  comparison: 'atLeast' | 'atMost' | 'between' | 'equals' | 'oneOf';
  expected: number | string | boolean | (number | string)[];
  measured: number | string | boolean;
  pass: boolean;
  severity: 'error' | 'warning';
  fixable: boolean;
  source: string;
}

export interface SlotReport {
  slot: string;
  pass: boolean;
  rules: RuleResult[];
}

/** The photo made to pass the first slot, with its own reports against every slot asked. */
export interface FixedPhoto {
  url: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  compliance: SlotReport[];
}

export interface ComplianceOutcome {
  /** The photo as sent, per slot, in the order asked. */
  reports: SlotReport[];
  fixed: FixedPhoto | null;
}

interface CheckAnswer {
  reports: SlotReport[];
  fixed?: FixedPhoto;
}

export interface CheckProgress {
  /** The fix outlasted the route's wait: its job, as last read. */
  onJob(job: WatchedJob): void;
  /** Rate limited: the check is sent again after this many seconds. */
  onWait(seconds: number): void;
}

/** A rate limit worth waiting out here; a daily quota (hours away) is reported instead. */
const LONGEST_WAIT_SECONDS = 60;

/**
 * Checks one photo against `slots` (the first is the one a fix makes it pass): the answer at once,
 * or, when the fix runs longer than the route waits, from its job. A per-minute rate limit (the free
 * plan takes 5 photos a minute) is waited out, so a whole drop goes through.
 */
export async function checkPhoto(file: File, slots: string[], fix: boolean, progress: CheckProgress, signal: AbortSignal): Promise<ComplianceOutcome> {
  const form = new FormData();
  form.append('image', file, file.name);
  form.append('slots', slots.join(','));
  if (fix) form.append('fix', 'true');
  for (;;) {
    const res = await apiFetch('/api/v1/compliance', { method: 'POST', body: form, signal });
    const wait = Number(res.headers.get('retry-after'));
    if (res.status === 429 && wait > 0 && wait <= LONGEST_WAIT_SECONDS) {
      progress.onWait(wait);
      await delay(wait * 1000, signal);
      continue;
    }
    if (!res.ok) throw await ApiError.from(res);
    if (res.status === 202) {
      const { id } = (await res.json()) as { id: string };
      const job = await pollJob((s) => api<WatchedJob>(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal: s }), progress.onJob, signal);
      return outcomeOfJob(job);
    }
    const answer = (await res.json()) as CheckAnswer;
    return { reports: answer.reports, fixed: answer.fixed ?? null };
  }
}

/** A compliance job's report holds the source's reports beside the fixed image's (docs/studio.md). */
function outcomeOfJob(job: WatchedJob): ComplianceOutcome {
  if (job.status !== 'completed') {
    throw new ApiError(0, job.error?.code ?? job.status, job.error?.message ?? `The job ended ${job.status}`);
  }
  const report = (job.report ?? {}) as { compliance?: SlotReport[]; sourceCompliance?: SlotReport[] };
  const output = job.outputs[0];
  if (!output) return { reports: report.compliance ?? [], fixed: null };
  return {
    reports: report.sourceCompliance ?? [],
    fixed: { url: output.url, width: output.width ?? 0, height: output.height ?? 0, format: output.format ?? '', bytes: output.bytes ?? 0, compliance: report.compliance ?? [] },
  };
}
