import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, InOrganization, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { IdParam } from '../common/http/id-param';
import { AcceptsMultipart, SentAsForm } from '../common/http/multipart-form';
import { HeldIdempotencyKey } from './idempotency.interceptor';
import { JobRequests } from './job-requests';
import { answerJob, JobRoute, waitSeconds } from './job-route';
import { JobAcceptedDto, JobCreateDto, JobDto, JobFormDto, JobPageDto, JobQueryDto } from './jobs.dto';
import { JobsService } from './jobs.service';

@ApiTags('Jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService, private readonly requests: JobRequests) {}

  @Post()
  @InOrganization()
  @ApiOperation({ summary: 'Create a job of any operation (needs that operation\'s scope), or a batch of them' })
  @ApiBody({ type: JobCreateDto })
  @AcceptsMultipart({ sources: 'images' }, JobFormDto)
  @JobRoute('counted-by-route')
  async createJob(
    @Auth() auth: RequestAuth,
    @Body() body: unknown,
    @SentAsForm() form: boolean,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return answerJob(reply, prefer, await this.requests.create(auth, body, { waitSeconds: waitSeconds(prefer), idempotencyKey, form }));
  }

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
