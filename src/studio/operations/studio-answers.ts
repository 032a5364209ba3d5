import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../common/errors/app-error';
import { ERROR_CODES, type ErrorCode } from '../../common/errors/error-codes';
import { CreditsService } from '../../credits/credits.service';
import type { Submitted } from '../../jobs/job-submitter';
import type { ImageOutputDto, JobAcceptedDto, JobDto } from '../../jobs/jobs.dto';
import type { StudioReport } from './studio-result.entity';
import type { ComplianceFixedDto, StudioResultDto } from './studio.dto';

const isCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/**
 * A studio route's answer: 200 with the output when its job completed within STUDIO_WAIT_SECONDS,
 * the job's own error when it failed (with its id), else 202 with where to poll.
 */
@Injectable()
export class StudioAnswers {
  constructor(private readonly credits: CreditsService) {}

  async result(orgId: string, reply: FastifyReply, submitted: Submitted): Promise<StudioResultDto | JobAcceptedDto> {
    if ('accepted' in submitted) {
      void reply.status(202);
      return submitted.accepted;
    }
    return this.describe(orgId, this.completed(submitted.finished));
  }

  /** /compliance with fix: the source's reports, and the fixed image with its own. */
  async fixed(orgId: string, reply: FastifyReply, submitted: Submitted): Promise<ComplianceFixedDto | JobAcceptedDto> {
    if ('accepted' in submitted) {
      void reply.status(202);
      return submitted.accepted;
    }
    const job = this.completed(submitted.finished);
    return { reports: (job.report as unknown as StudioReport).sourceCompliance ?? [], fixed: await this.describe(orgId, job) };
  }

  private completed(job: JobDto): JobDto {
    if (job.status === 'completed') return job;
    if (job.status === 'canceled') throw new AppError('conflict', 'The job was cancelled before it finished', { jobId: job.id });
    const code = job.error?.code ?? 'internal_error';
    throw new AppError(isCode(code) ? code : 'internal_error', job.error?.message ?? 'The job failed', { jobId: job.id });
  }

  private async describe(orgId: string, job: JobDto): Promise<StudioResultDto> {
    // Studio jobs make one image.
    const [output] = job.outputs as ImageOutputDto[];
    const { steps, compliance, presetLabel } = job.report as unknown as StudioReport;
    return {
      jobId: job.id, imageId: output.id, url: output.url, width: output.width, height: output.height, format: output.format, bytes: output.bytes,
      steps,
      ...(compliance ? { compliance } : {}),
      ...(presetLabel !== undefined ? { presetLabel } : {}),
      cost: job.cost,
      creditsBalance: (await this.credits.summary(orgId)).creditsBalance,
    };
  }
}
