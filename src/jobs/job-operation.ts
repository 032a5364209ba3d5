import { SetMetadata, type Type } from '@nestjs/common';
import type { RequestAuth } from '../tenancy/principal';
import type { Scope } from '../tenancy/scopes';
import type { Job } from './job.entity';

export const JOB_OPERATION = 'darkroom:job-operation';

export interface JobOperationOptions {
  /** What clients send as `operation` to POST /api/v1/jobs, e.g. images.generate. */
  name: string;
  /** The job type it queues (a @JobHandler runs it); by default its name. */
  type?: string;
  /** Checks its fields: the DTO its own route takes. */
  dto: Type<object>;
  /** The scope a caller needs, as on its own route. */
  scope: Scope;
  /** Units against the daily quota, read from its fields before validation, as its route's @WorkRequest counts them. */
  units: (fields: unknown) => number;
  /**
   * Whether it takes multipart forms, and which of its form fields hold numbers or JSON (read into
   * the JSON body they stand for, as @AcceptsMultipart does on its own route), and `source: 'image'`
   * when it takes one image file as `image` (the form's file, which POST /api/v1/jobs reads into
   * `images`, goes there). Without it, forms are refused.
   */
  form?: { numbers?: string[]; json?: string[]; source?: 'image' };
}

/** What an operation made of a request, for the engine to reserve and queue. */
export interface PreparedJob {
  /** Credits to reserve; captured when the job completes, released otherwise. */
  price: number;
  /** Why, for the ledger: e.g. "2 image(s) with aura/aura". */
  reason: string;
  /** Runs the reservation within a limit of the operation's own (a client token's image count), which gives back its count if anything after fails. */
  within?: <T>(reserve: () => Promise<T>) => Promise<T>;
  /** Removes what preparing stored (uploaded sources) when the job is not created after all (e.g. 402). */
  discard?: () => Promise<void>;
  /** Rows written in the transaction that creates the job (a channel publish's activity entry), so one exists only with the other. */
  alsoWrite?: object[];
}

/**
 * Marks the method that turns a validated request of one operation into a job:
 * `(auth: RequestAuth, dto: Dto, job: Job) => Promise<PreparedJob>`. The job comes with its
 * organisation, type and creator set; the method checks the request, sets `input` (and `metadata`),
 * and says what it costs. JobRegistry finds these methods at start-up, so POST /api/v1/jobs serves
 * every operation a module registers, and its own route calls JobSubmitter with the same name.
 */
export const JobOperation = (options: JobOperationOptions) => SetMetadata(JOB_OPERATION, options);

export type PrepareJob = (auth: RequestAuth, dto: object, job: Job) => Promise<PreparedJob>;
