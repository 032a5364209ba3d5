import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../common/errors/app-error';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { ProviderUsageDto, ProviderUsageQueryDto } from './provider-usage.dto';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

/** The organisation's provider usage: its jobs' steps summed per provider and per key (platform or its own). */
@ApiTags('Providers')
@Controller('api/v1/usage/providers')
export class ProviderUsageController {
  constructor(private readonly steps: JobStepsRepository) {}

  @Get()
  @RequireScope('credits:read')
  @ApiOperation({ summary: "Sum the organisation's provider steps per provider and key source over a period" })
  @ApiOkResponse({ type: ProviderUsageDto })
  async getProviderUsage(@OrgId() orgId: string, @Query() query: ProviderUsageQueryDto): Promise<ProviderUsageDto> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
    if (from >= to) throw new AppError('validation_failed', 'from must be before to', { fields: [{ field: 'from', messages: ['must be before to'] }] });
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new AppError('validation_failed', `the period is at most ${MAX_DAYS} days`, { fields: [{ field: 'from', messages: [`at most ${MAX_DAYS} days before to`] }] });
    return { from: from.toISOString(), to: to.toISOString(), data: await this.steps.usage(orgId, from, to) };
  }
}
