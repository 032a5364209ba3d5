import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IdParam } from '../common/http/id-param';
import { Auth, OrgId, RequireScope, WorkRequest } from '../tenancy/access.decorators';
import { isTestKey, type RequestAuth } from '../tenancy/principal';
import { ChannelConnectionsService } from './channel-connections.service';
import { HeldIdempotencyKey, IdempotencyInterceptor } from '../jobs/idempotency.interceptor';
import { JobSubmitter } from '../jobs/job-submitter';
import { answerJob, JobRoute, waitSeconds } from '../jobs/job-route';
import { JobAcceptedDto, JobDto } from '../jobs/jobs.dto';
import { ActivityPageDto, ActivityQueryDto, PublishDto, PublishPlanDto } from './channel-publish.dto';
import { ChannelPublishing, PUBLISH_JOB_TYPE } from './channel-publishing';
import { SYNC_JOB_TYPE } from './channel-sync';
import { ChannelBulkFix } from './channel-bulk-fix';
import { BulkFixDto, BulkFixPlanDto } from './channel-bulk-fix.dto';
import { ChannelListDto, ConnectionCreateDto, ConnectionCreatedDto, ConnectionDto, ConnectionListDto, ConnectionUpdateDto, ProductPageDto, ProductQueryDto, ConnectionWebhookSecretDto } from './channels.dto';

/** The channels this installation offers and the organisation's connections to stores (docs/channels.md). */
@ApiTags('Channels')
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(
    private readonly connections: ChannelConnectionsService,
    private readonly submitter: JobSubmitter,
    private readonly publishing: ChannelPublishing,
    private readonly bulkFix: ChannelBulkFix,
  ) {}

  @Get()
  @RequireScope('channels:read')
  @ApiOperation({ summary: 'List the channels (store integrations) this installation offers, with the credentials each takes' })
  @ApiOkResponse({ type: ChannelListDto })
  listChannels(): ChannelListDto {
    return { data: this.connections.channels() };
  }

  @Post('connections')
  @RequireScope('channels:write')
  @ApiOperation({ summary: 'Connect a store: its credentials are checked against it, then kept encrypted and never shown again' })
  @ApiCreatedResponse({ type: ConnectionCreatedDto, description: 'The connection, with its webhook secret shown this once' })
  createConnection(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: ConnectionCreateDto): Promise<ConnectionCreatedDto> {
    return this.connections.create(auth, orgId, dto);
  }

  @Patch('connections/:connectionId')
  @RequireScope('channels:write')
  @ApiOperation({ summary: 'Rename a connection or change the rule pack its images are checked against' })
  @ApiOkResponse({ type: ConnectionDto })
  updateConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string, @Body() dto: ConnectionUpdateDto): Promise<ConnectionDto> {
    return this.connections.update(orgId, id, dto);
  }

  @Post('connections/:connectionId/webhook-secret')
  @HttpCode(200)
  @RequireScope('channels:write')
  @ApiOperation({ summary: "Make a new secret for the connection's incoming webhooks, shown this once; the old one stops working" })
  @ApiOkResponse({ type: ConnectionWebhookSecretDto })
  rotateWebhookSecret(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<ConnectionWebhookSecretDto> {
    return this.connections.rotateWebhookSecret(orgId, id);
  }

  @Get('connections')
  @RequireScope('channels:read')
  @ApiOperation({ summary: "List the organisation's store connections, newest first" })
  @ApiOkResponse({ type: ConnectionListDto })
  async listConnections(@OrgId() orgId: string): Promise<ConnectionListDto> {
    return { data: await this.connections.list(orgId) };
  }

  @Get('connections/:connectionId')
  @RequireScope('channels:read')
  @ApiOperation({ summary: 'Get a store connection' })
  @ApiOkResponse({ type: ConnectionDto })
  getConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<ConnectionDto> {
    return this.connections.get(orgId, id);
  }

  @Post('connections/:connectionId/test')
  @HttpCode(200)
  @RequireScope('channels:write')
  @ApiOperation({ summary: "Check a connection's credentials at the store again: active, or needs_attention with the store's message" })
  @ApiOkResponse({ type: ConnectionDto })
  testConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<ConnectionDto> {
    return this.connections.test(orgId, id);
  }

  @Post('connections/:connectionId/disable')
  @HttpCode(200)
  @RequireScope('channels:write')
  @ApiOperation({ summary: 'Disable a connection: nothing is synced or published through it until it is enabled' })
  @ApiOkResponse({ type: ConnectionDto })
  disableConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<ConnectionDto> {
    return this.connections.setEnabled(orgId, id, false);
  }

  @Post('connections/:connectionId/enable')
  @HttpCode(200)
  @RequireScope('channels:write')
  @ApiOperation({ summary: 'Enable a disabled connection' })
  @ApiOkResponse({ type: ConnectionDto })
  enableConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<ConnectionDto> {
    return this.connections.setEnabled(orgId, id, true);
  }

  @Post('connections/:connectionId/sync')
  @RequireScope('channels:write')
  @ApiOperation({ summary: "Sync a connection's catalogue from the store, as a job: every product the first time, then those updated since the last complete sync" })
  @JobRoute(() => 0)
  async syncConnection(
    @Auth() auth: RequestAuth,
    @IdParam('connectionId', 'Connection') id: string,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    const submitted = await this.submitter.submit(auth, { operation: SYNC_JOB_TYPE, dto: { connectionId: id } }, { waitSeconds: waitSeconds(prefer), idempotencyKey });
    return answerJob(reply, prefer, submitted);
  }

  @Get('connections/:connectionId/products')
  @RequireScope('channels:read')
  @ApiOperation({ summary: "List a connection's synced products, newest first, searchable by title or SKU" })
  @ApiOkResponse({ type: ProductPageDto })
  listProducts(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string, @Query() query: ProductQueryDto): Promise<ProductPageDto> {
    return this.connections.products(orgId, id, query);
  }

  @Post('publish')
  @RequireScope('channels:publish')
  @ApiOperation({ summary: "Publish a gallery image to a synced product's images at a store, as a job recorded in the activity log; dryRun answers what would be sent" })
  @ApiExtraModels(PublishPlanDto, JobDto)
  @WorkRequest({ units: () => 0 })
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (N up to 60): answer 200 with the finished job if it completes in time' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(PublishPlanDto) }, { $ref: getSchemaPath(JobDto) }] }, description: 'With dryRun, or with a test key (never publishes): what would be sent. With Prefer: wait=N: the finished job' })
  @ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Queued; poll GET /api/v1/jobs/:id (its report holds the publish entry)' })
  async publish(
    @Auth() auth: RequestAuth,
    @Body() dto: PublishDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublishPlanDto | JobAcceptedDto | JobDto> {
    // A test key never publishes: it gets the dry run (which says so).
    if (dto.dryRun || isTestKey(auth.principal)) {
      void reply.status(200);
      return this.publishing.plan(auth, dto);
    }
    return answerJob(reply, prefer, await this.submitter.submit(auth, { operation: PUBLISH_JOB_TYPE, dto }, { waitSeconds: waitSeconds(prefer), idempotencyKey }));
  }

  @Post('connections/:connectionId/fix')
  @RequireScope('channels:publish')
  @ApiOperation({ summary: "Fix every failing image of a connection's synced catalogue (or of a filter) and publish each in the failing one's place, as one batch job; dryRun lists them" })
  @ApiExtraModels(BulkFixPlanDto, JobDto)
  @WorkRequest({ units: () => 0 })
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (N up to 60): answer 200 with the finished batch if it completes in time' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(BulkFixPlanDto) }, { $ref: getSchemaPath(JobDto) }] }, description: 'With dryRun, or with a test key (never publishes): the images it would fix. With Prefer: wait=N: the finished batch' })
  @ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Queued; poll GET /api/v1/jobs/:id (progress, children, summary)' })
  async fixConnection(
    @Auth() auth: RequestAuth,
    @IdParam('connectionId', 'Connection') id: string,
    @Body() dto: BulkFixDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BulkFixPlanDto | JobAcceptedDto | JobDto> {
    if (dto.dryRun || isTestKey(auth.principal)) {
      void reply.status(200);
      return this.bulkFix.plan(auth, id, dto);
    }
    return answerJob(reply, prefer, await this.bulkFix.submit(auth, id, dto, { waitSeconds: waitSeconds(prefer), idempotencyKey }));
  }

  @Get('activity')
  @RequireScope('channels:read')
  @ApiOperation({ summary: 'List every publish to the stores, newest first: status, the store’s image id, attempts, the last error, who and when' })
  @ApiOkResponse({ type: ActivityPageDto })
  activity(@OrgId() orgId: string, @Query() query: ActivityQueryDto): Promise<ActivityPageDto> {
    return this.publishing.activity(orgId, query);
  }

  @Delete('connections/:connectionId')
  @HttpCode(204)
  @RequireScope('channels:write')
  @ApiOperation({ summary: 'Delete a connection and its stored credentials' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async deleteConnection(@OrgId() orgId: string, @IdParam('connectionId', 'Connection') id: string): Promise<void> {
    await this.connections.delete(orgId, id);
  }
}
