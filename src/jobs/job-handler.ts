import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { Job } from './job.entity';

export const JOB_HANDLER = 'darkroom:job-handler';
export const JOB_OUTPUT_READER = 'darkroom:job-output-reader';

/** One run of a job, as its handler gets it. */
export interface JobRun {
  readonly job: Job;
  /** Aborts when the job is cancelled (on any node): stop promptly and throw. */
  readonly signal: AbortSignal;
  /**
   * What an earlier run of this job saved with checkpoint(), or null on its first run. A run after a
   * crash (or a transient failure) that finds one follows up on that remote work instead of
   * starting, and paying for, it again.
   */
  readonly previousCheckpoint: string | null;
  /**
   * Saves `remoteId` (up to 255 characters: e.g. the id of a prediction a provider started) on the
   * job row at once. Throws if this run no longer holds the job (another run took it over).
   */
  checkpoint(remoteId: string): Promise<void>;
  /**
   * Shows how far the run has got on the job (JobDto.progress): `total` null while it is not known
   * (a store's catalogue before its last page). Written at most once a second, and always when
   * `done` reaches `total`; never throws.
   */
  progress(done: number, total: number | null): Promise<void>;
}

export interface JobResult {
  /** Rows written in the transaction that completes the job (its outputs), and only if it completes. */
  persist: object[];
  /** Credits the work cost, recorded on the job; the reservation is captured. */
  cost: number;
  /**
   * Undoes what the run left outside the database (stored files), called when its result is thrown
   * away: the job was cancelled meanwhile, or another run took it over after this one's lease ran out.
   */
  discard?: () => Promise<void>;
}

/**
 * Does one type of job's work; JobLifecycle claims the job, records the outcome and settles its
 * credits. Throw TransientJobError for a failure worth another try, FinalJobError for one the job
 * shows with its code; anything else fails the job as job_failed.
 */
export interface JobHandler {
  run(ctx: JobRun): Promise<JobResult>;
  /** Seconds a job of this type is expected to take, for the 202 answer (default 1). */
  estimatedSeconds?(job: Job): number;
}

/**
 * Declares the job types a class runs: `@JobHandler('images.generate')`. The handlers are the
 * declaration of which types exist: JobRegistry finds them at start-up and refuses to start when a
 * type has two, or when an operation queues a type none runs.
 */
export function JobHandler(...types: string[]): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(JOB_HANDLER, types));
}

/** Reads back the outputs of finished jobs of its types, as the API shows them (JobDto.outputs). */
export interface JobOutputReader {
  /** Each completed job's outputs, by job id; jobs with none may be left out. */
  outputsOf(jobs: Job[]): Promise<Map<string, object[]>>;
  /** What each completed job reported beside its files (JobDto.report), by job id: the studio's steps and compliance reports. */
  reportsOf?(jobs: Job[]): Promise<Map<string, Record<string, unknown>>>;
}

/** Declares the job types whose outputs a class reads: `@JobOutputReader('images.generate')`. Types without one show no outputs. */
export function JobOutputReader(...types: string[]): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(JOB_OUTPUT_READER, types));
}

/**
 * An error worth another try (a provider timing out); anything else fails the job at once.
 * `retryAfterMs`: the least wait before the next try, when the other side said (Retry-After).
 */
export class TransientJobError extends Error {
  constructor(readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** A failure not worth another try, shown on the job with its catalogue code (a provider refused the key or the content). */
export class FinalJobError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
