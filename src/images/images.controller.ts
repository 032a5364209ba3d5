import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, RequireScope, WorkRequest } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
import { IdParam } from '../common/http/id-param';
import { CursorQueryDto } from '../common/pagination';
import { EditCreateDto, EditFormDto, GalleryImageDto, GalleryPageDto, GenerationCreateDto, imagesAsked, JobAcceptedDto, JobDto } from './generation.dto';
import { GenerationService } from './generation.service';
import { ImagesService } from './images.service';
import { AcceptsMultipart } from './multipart-edit';
import { HeldIdempotencyKey, IdempotencyInterceptor } from '../jobs/idempotency.interceptor';

/** `Prefer: wait=N` (RFC 7240): wait up to N seconds for the job to finish. */
const waitSeconds = (prefer?: string) => Number(/(?:^|[,;\s])wait=(\d+)/.exec(prefer ?? '')?.[1] ?? 0);

@ApiTags('Images')
@Controller('api/v1/images')
export class ImagesController {
  constructor(private readonly generation: GenerationService, private readonly images: ImagesService) {}

  @Post('generations')
  @RequireScope('images:generate')
  @ApiOperation({ summary: 'Generate images from a prompt' })
  @UseInterceptors(IdempotencyInterceptor)
  @WorkRequest({ units: imagesAsked })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (N up to 60): answer 200 with the finished job if it completes in time' })
  @ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Queued; poll GET /api/v1/jobs/:id' })
  @ApiOkResponse({ type: JobDto, description: 'With Prefer: wait=N, when the job finished in time' })
  async createGeneration(
    @Auth() auth: RequestAuth,
    @Body() dto: GenerationCreateDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return this.answer(reply, prefer, await this.generation.create(auth, dto, waitSeconds(prefer), idempotencyKey));
  }

  /** 200 with the job when it finished within Prefer: wait, else 202 with where to poll. */
  private answer(reply: FastifyReply, prefer: string | undefined, result: { finished: JobDto } | { accepted: JobAcceptedDto }): JobAcceptedDto | JobDto {
    if ('finished' in result) {
      void reply.status(200).header('preference-applied', `wait=${waitSeconds(prefer)}`);
      return result.finished;
    }
    void reply.status(202);
    return result.accepted;
  }

  @Post('edits')
  @RequireScope('images:edit')
  @ApiOperation({ summary: 'Edit images given as JSON (base64, gallery id or URL) or as a multipart form' })
  @AcceptsMultipart({ sources: 'images', numbers: ['n', 'seed'], json: ['metadata'] }, EditFormDto)
  @UseInterceptors(IdempotencyInterceptor)
  @WorkRequest({ units: imagesAsked })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (N up to 60): answer 200 with the finished job if it completes in time' })
  @ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Queued; poll GET /api/v1/jobs/:id' })
  @ApiOkResponse({ type: JobDto, description: 'With Prefer: wait=N, when the job finished in time' })
  async createEdit(
    @Auth() auth: RequestAuth,
    @Body() dto: EditCreateDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return this.answer(reply, prefer, await this.generation.edit(auth, dto, waitSeconds(prefer), idempotencyKey));
  }

  @Get()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'List the gallery, newest first' })
  @ApiOkResponse({ type: GalleryPageDto })
  listImages(@Auth() auth: RequestAuth, @Query() query: CursorQueryDto): Promise<GalleryPageDto> {
    return this.images.list(auth, query);
  }

  @Get(':imageId')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Get a gallery image with a fresh download link' })
  @ApiOkResponse({ type: GalleryImageDto })
  getImage(@Auth() auth: RequestAuth, @IdParam('imageId', 'Image') imageId: string): Promise<GalleryImageDto> {
    return this.images.get(auth, imageId);
  }

  @Delete(':imageId')
  @RequireScope('images:generate')
  @ApiOperation({ summary: 'Delete an image' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The image and its file are gone; download links stop working' })
  deleteImage(@Auth() auth: RequestAuth, @IdParam('imageId', 'Image') imageId: string): Promise<void> {
    return this.images.delete(auth, imageId);
  }
}
