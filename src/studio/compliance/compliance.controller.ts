import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HeldIdempotencyKey } from '../../jobs/idempotency.interceptor';
import type { JobAcceptedDto } from '../../jobs/jobs.dto';
import { Auth, OrgId } from '../../tenancy/access.decorators';
import type { RequestAuth } from '../../tenancy/principal';
import { StudioAnswers } from '../operations/studio-answers';
import { StudioJobs } from '../operations/studio-jobs';
import { StudioRoute } from '../operations/studio-route';
import { ComplianceFixedDto } from '../operations/studio.dto';
import { ComplianceCheckDto, ComplianceFormDto, ComplianceReportDto } from './compliance.dto';
import { ComplianceService } from './compliance.service';

/**
 * A check alone stores nothing and charges no credits, so it answers in the request; it is work,
 * counted as one unit. With fix it is a job, as the studio's other operations are (docs/studio.md).
 */
@Controller('api/v1/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService, private readonly jobs: StudioJobs, private readonly answers: StudioAnswers) {}

  @Post()
  @StudioRoute("Check an image against marketplace slots' rules: per slot, whether it passes and each rule's measured and expected value; with fix, also the fixed image", [ComplianceReportDto, ComplianceFixedDto], ComplianceFormDto, [])
  async check(
    @Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: ComplianceCheckDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ComplianceReportDto | ComplianceFixedDto | JobAcceptedDto> {
    if (!dto.fix) return this.compliance.check(auth, dto);
    return this.answers.fixed(orgId, reply, await this.jobs.submit(auth, 'compliance', dto, key));
  }
}
