import { Body, Controller, Get, Headers, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdParam } from '../common/http/id-param';
import { HeldIdempotencyKey, IdempotencyInterceptor } from '../jobs/idempotency.interceptor';
import { waitSeconds } from '../jobs/job-route';
import { Auth, RequireScope, WorkRequest } from '../tenancy/access.decorators';
import { isTestKey, type RequestAuth } from '../tenancy/principal';
import { ListingImagesDto, ListingPlanDto, ListingResultDto } from './listings.dto';
import { ListingsService } from './listings.service';

/** Check, fix and publish one image to several stores in one call (docs/channels.md). */
@ApiTags('Channels')
@Controller('api/v1/listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Post('images')
  @RequireScope('channels:publish')
  @ApiOperation({ summary: "Check an image against each store's rule pack, fix it where it fails, and publish it to the product with that SKU at every connection given, as one batch" })
  @WorkRequest({ units: () => 0 })
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Prefer', required: false, description: "wait=N (N up to 60): answer 200 once every store's publish ended, if in time" })
  @ApiExtraModels(ListingResultDto, ListingPlanDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(ListingResultDto) }, { $ref: getSchemaPath(ListingPlanDto) }] }, description: "With Prefer: wait=N, when every store's publish ended in time; with a test key (never publishes), each store's dry run" })
  @ApiAcceptedResponse({ type: ListingResultDto, description: 'Queued: each result as it stands; GET /api/v1/listings/images/:jobId follows them' })
  async publishListing(
    @Auth() auth: RequestAuth,
    @Body() dto: ListingImagesDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ListingResultDto | ListingPlanDto> {
    if (isTestKey(auth.principal)) {
      void reply.status(200);
      return this.listings.plan(auth, dto);
    }
    const { result, finished } = await this.listings.publish(auth, dto, { waitSeconds: waitSeconds(prefer), idempotencyKey });
    void reply.status(finished ? 200 : 202);
    if (finished) void reply.header('preference-applied', `wait=${waitSeconds(prefer)}`);
    return result;
  }

  @Get('images/:jobId')
  @RequireScope('channels:read')
  @ApiOperation({ summary: 'A listing call’s results as they stand: each store’s publish, its compliance reports, fixed image and outcome' })
  @ApiOkResponse({ type: ListingResultDto })
  getListing(@Auth() auth: RequestAuth, @IdParam('jobId', 'Listing') jobId: string): Promise<ListingResultDto> {
    return this.listings.result(auth, jobId);
  }
}
