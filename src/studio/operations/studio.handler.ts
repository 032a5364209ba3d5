import { AppError } from '../../common/errors/app-error';
import { Image } from '../../images/image.entity';
import { FinalJobError, JobHandler, type JobResult, type JobRun } from '../../jobs/job-handler';
import type { Job } from '../../jobs/job.entity';
import { FileStore } from '../../storage/file-store';
import { StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { STUDIO_JOB_TYPES, type StudioJobInput, type StudioOperation } from './studio-operations';
import { StudioResult } from './studio-result.entity';
import { StudioRunners } from './studio-runners';

/**
 * Runs the studio's jobs: loads the stored source, runs the operation's pipeline, stores its image
 * encrypted in the gallery and returns the rows to persist with the job's completion (the image and
 * the report). An input the pipeline cannot work with (no subject found, a size the encoder cannot
 * reach: a StudioInputError, or an AppError with its code) fails the job at once with the pipeline's reason.
 */
@JobHandler(...STUDIO_JOB_TYPES)
export class StudioHandler implements JobHandler {
  constructor(private readonly runners: StudioRunners, private readonly files: FileStore) {}

  async run({ job, signal, previousCheckpoint, checkpoint }: JobRun): Promise<JobResult> {
    const input = job.input as unknown as StudioJobInput;
    const source = await this.files.get(input.sources[0].storageKey);
    if (!source) throw new Error(`source ${input.sources[0].storageKey} is missing`);
    const clock = new StepClock();
    const outcome = await this.runners
      .run(job.type as StudioOperation, { jobId: job.id, orgId: job.orgId, attempt: job.attempts, test: job.test, source, input, clock, signal, previousCheckpoint, checkpoint })
      .catch((err: unknown) => {
        signal.throwIfAborted();
        if (err instanceof StudioInputError) throw new FinalJobError('unprocessable_image', err.message);
        throw err instanceof AppError ? new FinalJobError(err.code, err.message) : err;
      });
    signal.throwIfAborted();
    const persist: object[] = [Object.assign(new StudioResult(), { jobId: job.id, orgId: job.orgId, report: { steps: clock.steps, ...outcome.report } })];
    let storageKey: string | undefined;
    if (outcome.image) {
      const { image } = outcome;
      // Keyed by attempt: a job run again after a crash never touches the files of another run.
      storageKey = `images/${job.orgId}/${job.id}-${job.attempts}-0`;
      await this.files.put(storageKey, image.data);
      persist.push(Object.assign(new Image(), {
        orgId: job.orgId, jobId: job.id, storageKey, format: image.format, width: image.width, height: image.height, bytes: image.data.length,
        prompt: typeof input.options.prompt === 'string' ? input.options.prompt : '', style: null, provider: 'studio', model: job.type, seed: 0, createdBy: job.createdBy, endUserId: job.endUserId, test: job.test,
      }));
    }
    await this.files.delete(input.sources[0].storageKey);
    return { persist, cost: input.price, discard: async () => void (storageKey && (await this.files.delete(storageKey))) };
  }

  /** Seconds, roughly: the segmentation model takes one or two on two cores. */
  estimatedSeconds(job: Job): number {
    return job.type === 'compliance' && !(job.input as unknown as StudioJobInput).options.fix ? 1 : 3;
  }
}
