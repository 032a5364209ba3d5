import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { IdParam } from '../common/http/id-param';
import { HeldIdempotencyKey } from '../jobs/idempotency.interceptor';
import { answerJob, JobRoute, waitSeconds } from '../jobs/job-route';
import type { JobAcceptedDto, JobDto } from '../jobs/jobs.dto';
import { EditCreateDto, EditFormDto, GalleryImageDto, GalleryPageDto, GalleryQueryDto, GenerationCreateDto, imagesAsked } from './generation.dto';
import { GenerationService } from './generation.service';
import { ImagesService } from './images.service';
import { AcceptsMultipart } from '../common/http/multipart-form';

@ApiTags('Images')
@Controller('api/v1/images')
export class ImagesController {
  constructor(private readonly generation: GenerationService, private readonly images: ImagesService) {}

  @Post('generations')
  @RequireScope('images:generate')
  @ApiOperation({ summary: 'Generate images from a prompt' })
  @JobRoute(imagesAsked)
  async createGeneration(
    @Auth() auth: RequestAuth,
    @Body() dto: GenerationCreateDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return answerJob(reply, prefer, await this.generation.create(auth, dto, waitSeconds(prefer), idempotencyKey));
  }

  @Post('edits')
  @RequireScope('images:edit')
  @ApiOperation({ summary: 'Edit images given as JSON (base64, gallery id or URL) or as a multipart form' })
  @AcceptsMultipart({ sources: 'images', numbers: ['n', 'seed'], json: ['metadata', 'fallback', 'providerOptions'] }, EditFormDto)
  @JobRoute(imagesAsked)
  async createEdit(
    @Auth() auth: RequestAuth,
    @Body() dto: EditCreateDto,
    @Headers('prefer') prefer: string | undefined,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return answerJob(reply, prefer, await this.generation.edit(auth, dto, waitSeconds(prefer), idempotencyKey));
  }

  @Get()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'List the gallery, newest first' })
  @ApiOkResponse({ type: GalleryPageDto })
  listImages(@Auth() auth: RequestAuth, @Query() query: GalleryQueryDto): Promise<GalleryPageDto> {
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
