import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
import { IdParam } from '../common/http/id-param';
import { JobDto, JobPageDto } from '../images/generation.dto';
import { JobQueryDto } from './jobs.dto';
import { JobsService } from './jobs.service';

@ApiTags('Jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'List jobs, newest first' })
  @ApiOkResponse({ type: JobPageDto })
  listJobs(@Auth() auth: RequestAuth, @Query() query: JobQueryDto): Promise<JobPageDto> {
    return this.jobs.list(auth, query);
  }

  @Get(':jobId')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Get a job: its status and outputs' })
  @ApiOkResponse({ type: JobDto })
  getJob(@Auth() auth: RequestAuth, @IdParam('jobId', 'Job') jobId: string): Promise<JobDto> {
    return this.jobs.get(auth, jobId);
  }

  @Post(':jobId/cancel')
  @RequireScope('jobs:cancel')
  @ApiOperation({ summary: 'Cancel a job' })
  @HttpCode(200)
  @ApiOkResponse({ type: JobDto })
  cancelJob(@Auth() auth: RequestAuth, @IdParam('jobId', 'Job') jobId: string): Promise<JobDto> {
    return this.jobs.cancel(auth, jobId);
  }
}
